import LuaKit

/// The table a primitive was called with, read with errors that name the primitive and the argument:
/// `write_file: 'mode' must be an octal string like "0644", got number`.
public struct Arguments {
    public let primitive: String
    public let table: LuaTable

    public init(primitive: String, table: LuaTable) {
        self.primitive = primitive
        self.table = table
    }

    func fail(_ message: String) -> LuaRaise { LuaRaise("\(primitive): \(message)") }

    /// Refuses keys the primitive does not know, with a suggestion for a likely typo.
    public func checkKnown(_ known: [String], allowsArray: Bool = false) throws {
        for key in table.fields.keys.sorted() where !known.contains(key) {
            let hint = Suggest.closest(to: key, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            throw fail("unknown argument '\(key)'\(hint); known: \(known.joined(separator: ", "))")
        }
        if !allowsArray && !table.array.isEmpty { throw fail("takes named arguments only ({path = ..., ...}), got \(table.array.count) positional") }
        if let other = table.otherKeys.first { throw fail("unexpected key \(other)") }
    }

    public func string(_ key: String) throws -> String {
        guard let value = try optionalString(key) else { throw fail("'\(key)' is required (a string)") }
        return value
    }

    public func optionalString(_ key: String) throws -> String? {
        switch table[key] {
        case .nil: return nil
        case .string(let s): return s
        case .bytes(let b): return String(decoding: b, as: UTF8.self)
        case let other: throw fail("'\(key)' must be a string, got \(other.typeName)")
        }
    }

    /// Content as bytes (strings may hold binary data).
    public func bytes(_ key: String) throws -> [UInt8] {
        switch table[key] {
        case .string(let s): return Array(s.utf8)
        case .bytes(let b): return b
        case .nil: throw fail("'\(key)' is required (a string)")
        case let other: throw fail("'\(key)' must be a string, got \(other.typeName)")
        }
    }

    public func path(_ key: String) throws -> String {
        let p = try string(key)
        try Arguments.checkPath(p, key: key, primitive: primitive)
        return p
    }

    public func optionalPath(_ key: String) throws -> String? {
        guard let p = try optionalString(key) else { return nil }
        try Arguments.checkPath(p, key: key, primitive: primitive)
        return p
    }

    static func checkPath(_ p: String, key: String, primitive: String) throws {
        guard p.hasPrefix("/") else { throw LuaRaise("\(primitive): '\(key)' must be an absolute path, got '\(p)'") }
        guard !p.utf8.contains(0) else { throw LuaRaise("\(primitive): '\(key)' contains a NUL byte") }
    }

    /// A mode: an octal string like "0644" (a Lua number is refused: 0644 in Lua is decimal 644).
    public func mode(_ key: String = "mode") throws -> UInt32? {
        switch table[key] {
        case .nil: return nil
        case .string(let s):
            guard !s.isEmpty, s.count <= 5, let m = UInt32(s, radix: 8), m <= 0o7777 else {
                throw fail("'\(key)' must be an octal string like \"0644\", got \"\(s)\"")
            }
            return m
        case let other: throw fail("'\(key)' must be an octal string like \"0644\", got \(other.typeName)")
        }
    }

    public func bool(_ key: String, default value: Bool) throws -> Bool {
        switch table[key] {
        case .nil: return value
        case .boolean(let b): return b
        case let other: throw fail("'\(key)' must be true or false, got \(other.typeName)")
        }
    }

    public func number(_ key: String) throws -> Double? {
        switch table[key] {
        case .nil: return nil
        case let v:
            guard let d = v.numberValue, d >= 0 else { throw fail("'\(key)' must be a non-negative number, got \(v.typeName)") }
            return d
        }
    }

    /// A list of strings (a Lua sequence); a single string counts as a list of one.
    public func stringList(_ key: String) throws -> [String] {
        switch table[key] {
        case .nil: return []
        case .string(let s): return [s]
        case .table(let t):
            guard t.fields.isEmpty else { throw fail("'\(key)' must be a list of strings, got a table with named fields") }
            return try t.array.enumerated().map { i, v in
                guard let s = v.stringValue else { throw fail("'\(key)'[\(i + 1)] must be a string, got \(v.typeName)") }
                return s
            }
        case let other: throw fail("'\(key)' must be a list of strings, got \(other.typeName)")
        }
    }

    /// The argv: the table's array part, all strings, at least one.
    public func argv() throws -> [String] {
        guard !table.array.isEmpty else { throw fail("needs a command: {\"program\", \"arg\", ...}") }
        return try table.array.enumerated().map { i, v in
            guard let s = v.stringValue else { throw fail("argv[\(i + 1)] must be a string, got \(v.typeName)") }
            return s
        }
    }

    public func stringMap(_ key: String) throws -> [String: String] {
        switch table[key] {
        case .nil: return [:]
        case .table(let t):
            var out: [String: String] = [:]
            for (k, v) in t.fields {
                guard let s = v.stringValue else { throw fail("'\(key)'.\(k) must be a string, got \(v.typeName)") }
                out[k] = s
            }
            return out
        case let other: throw fail("'\(key)' must be a table of strings, got \(other.typeName)")
        }
    }

    /// owner/group names or numeric ids, looked up on the host.
    public func owner(on host: Host) throws -> (uid: UInt32?, gid: UInt32?) {
        var uid: UInt32?, gid: UInt32?
        if let o = try optionalString("owner") {
            guard let id = UInt32(o) ?? host.userID(o) else { throw fail("'owner': no user '\(o)' on this host") }
            uid = id
        }
        if let g = try optionalString("group") {
            guard let id = UInt32(g) ?? host.groupID(g) else { throw fail("'group': no group '\(g)' on this host") }
            gid = id
        }
        return (uid, gid)
    }
}

/// "did you mean" suggestions by edit distance.
public enum Suggest {
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, word.count / 3) else { return nil }
        return best.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
