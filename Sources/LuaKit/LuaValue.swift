/// A Lua value copied into Swift. Strings that are valid UTF-8 come back as `.string`, others as
/// `.bytes`, so file contents survive a round trip untouched.
public enum LuaValue: Sendable, Equatable {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case bytes([UInt8])
    case table(LuaTable)
    /// A value Swift cannot hold (function, userdata, thread); the Lua type name is kept for messages.
    case opaque(typeName: String)

    public var typeName: String {
        switch self {
        case .nil: return "nil"
        case .boolean: return "boolean"
        case .integer, .number: return "number"
        case .string, .bytes: return "string"
        case .table: return "table"
        case .opaque(let name): return name
        }
    }

    public var isNil: Bool { if case .nil = self { return true } else { return false } }

    /// The string, if this is a string (bytes are decoded leniently).
    public var stringValue: String? {
        switch self {
        case .string(let s): return s
        case .bytes(let b): return String(decoding: b, as: UTF8.self)
        default: return nil
        }
    }

    /// The raw bytes, if this is a string.
    public var byteValue: [UInt8]? {
        switch self {
        case .string(let s): return Array(s.utf8)
        case .bytes(let b): return b
        default: return nil
        }
    }

    public var tableValue: LuaTable? { if case .table(let t) = self { return t } else { return nil } }

    public var boolValue: Bool? { if case .boolean(let b) = self { return b } else { return nil } }

    /// Integers, and floats with an exact integer value (as Lua's math.tointeger).
    public var integerValue: Int64? {
        switch self {
        case .integer(let i): return i
        case .number(let d):
            guard d.rounded() == d, let i = Int64(exactly: d) else { return nil }
            return i
        default: return nil
        }
    }

    public var numberValue: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }
}

/// A Lua table copied into Swift: its sequence part (keys 1...n) and its string-keyed fields.
/// Other keys (non-sequence integers, floats, booleans) are kept in `otherKeys` as text, so a
/// caller can refuse them by name instead of silently dropping them.
public struct LuaTable: Sendable, Equatable {
    public var array: [LuaValue]
    public var fields: [String: LuaValue]
    public var otherKeys: [String]

    public init(array: [LuaValue] = [], fields: [String: LuaValue] = [:], otherKeys: [String] = []) {
        self.array = array
        self.fields = fields
        self.otherKeys = otherKeys
    }

    public subscript(_ key: String) -> LuaValue { fields[key] ?? .nil }
    public var isEmpty: Bool { array.isEmpty && fields.isEmpty && otherKeys.isEmpty }
}

extension LuaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(nilLiteral: ()) { self = .nil }
}

extension LuaValue {
    /// A table value built from Swift: a sequence and/or named fields.
    public static func list(_ items: [LuaValue]) -> LuaValue { .table(LuaTable(array: items)) }
    public static func record(_ fields: [String: LuaValue]) -> LuaValue { .table(LuaTable(fields: fields)) }
}
