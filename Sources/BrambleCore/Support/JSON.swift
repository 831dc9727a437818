/// A small JSON value and a fast serializer: the audit log writes one line per action on the hot
/// path, and Foundation's JSONEncoder costs more than the action itself.
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    /// Ordered, so records read the same way every time.
    case object([(String, JSON)])

    public static func == (a: JSON, b: JSON) -> Bool { a.serialized() == b.serialized() }

    public func serialized() -> String {
        var out = ""
        write(to: &out)
        return out
    }

    public func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isFinite { out += d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d) } else { out += "null" }
        case .string(let s): JSON.quote(s, into: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (i, (k, v)) in fields.enumerated() {
                if i > 0 { out += "," }
                JSON.quote(k, into: &out)
                out += ":"
                v.write(to: &out)
            }
            out += "}"
        }
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    public subscript(_ key: String) -> JSON? {
        if case .object(let fields) = self { return fields.first { $0.0 == key }?.1 }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var intValue: Int64? { if case .int(let i) = self { return i } else { return nil } }
}

extension JSON {
    /// Parses JSON text (used to read audit logs back). Throws on malformed input.
    public static func parse(_ text: String) throws -> JSON {
        var parser = JSONParser(Array(text.utf8))
        let value = try parser.value()
        parser.skipSpace()
        guard parser.atEnd else { throw JSONParser.Failure(offset: parser.i, reason: "trailing characters") }
        return value
    }
}

struct JSONParser {
    struct Failure: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }
    let b: [UInt8]
    var i = 0
    init(_ bytes: [UInt8]) { b = bytes }
    var atEnd: Bool { i >= b.count }

    mutating func skipSpace() { while i < b.count, [0x20, 0x0a, 0x0d, 0x09].contains(b[i]) { i += 1 } }

    mutating func value() throws -> JSON {
        skipSpace()
        guard i < b.count else { throw Failure(offset: i, reason: "unexpected end") }
        switch b[i] {
        case UInt8(ascii: "{"):
            i += 1
            var fields: [(String, JSON)] = []
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
            while true {
                skipSpace()
                guard case .string(let key) = try value() else { throw Failure(offset: i, reason: "object key must be a string") }
                skipSpace()
                try expect(":")
                fields.append((key, try value()))
                skipSpace()
                if try separatorEnds("}") { return .object(fields) }
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [JSON] = []
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                items.append(try value())
                skipSpace()
                if try separatorEnds("]") { return .array(items) }
            }
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return try number()
        }
    }

    mutating func expect(_ c: Character) throws {
        guard i < b.count, b[i] == c.asciiValue! else { throw Failure(offset: i, reason: "expected '\(c)'") }
        i += 1
    }

    mutating func separatorEnds(_ close: Character) throws -> Bool {
        guard i < b.count else { throw Failure(offset: i, reason: "unexpected end") }
        if b[i] == UInt8(ascii: ",") { i += 1; return false }
        if b[i] == close.asciiValue! { i += 1; return true }
        throw Failure(offset: i, reason: "expected ',' or '\(close)'")
    }

    mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard i + w.count <= b.count, Array(b[i..<i + w.count]) == w else { throw Failure(offset: i, reason: "bad literal") }
        i += w.count
    }

    mutating func number() throws -> JSON {
        let start = i
        while i < b.count, "+-0123456789.eE".utf8.contains(b[i]) { i += 1 }
        let text = String(decoding: b[start..<i], as: UTF8.self)
        if let n = Int64(text) { return .int(n) }
        if let d = Double(text) { return .double(d) }
        throw Failure(offset: start, reason: "bad number '\(text)'")
    }

    mutating func string() throws -> String {
        i += 1
        var out: [UInt8] = []
        while i < b.count {
            let c = b[i]
            i += 1
            if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if c != UInt8(ascii: "\\") { out.append(c); continue }
            guard i < b.count else { break }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "u"):
                guard i + 4 <= b.count, var code = UInt32(String(decoding: b[i..<i + 4], as: UTF8.self), radix: 16) else {
                    throw Failure(offset: i, reason: "bad \\u escape")
                }
                i += 4
                // surrogate pair
                if (0xD800..<0xDC00).contains(code), i + 6 <= b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u"),
                    let low = UInt32(String(decoding: b[i + 2..<i + 6], as: UTF8.self), radix: 16)
                {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                out.append(contentsOf: Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8))
            default: out.append(e)
            }
        }
        throw Failure(offset: i, reason: "unterminated string")
    }
}
