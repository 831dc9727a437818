import CLua
import CLuaShim

/// Typed access to one Lua thread's stack. Reads use raw access only, so no metamethod of a
/// hostile table can run (and raise) while Swift is on the C stack.
public struct LuaStack {
    public let L: OpaquePointer
    public init(_ L: OpaquePointer) { self.L = L }

    public var top: Int32 { lua_gettop(L) }
    public func setTop(_ n: Int32) { lua_settop(L, n) }
    public func pop(_ n: Int32 = 1) { bl_pop(L, n) }

    public func type(at index: Int32) -> Int32 { lua_type(L, index) }
    public func typeName(at index: Int32) -> String { String(cString: lua_typename(L, lua_type(L, index))) }
    public func isNil(at index: Int32) -> Bool { bl_isnoneornil(L, index) != 0 }

    // MARK: reading

    /// The string at `index` if it is a string (numbers are not converted).
    public func string(at index: Int32) -> String? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var len = 0
        guard let p = bl_tolstring(L, index, &len) else { return nil }
        return p.withMemoryRebound(to: UInt8.self, capacity: len) {
            String(decoding: UnsafeBufferPointer(start: $0, count: len), as: UTF8.self)
        }
    }

    public func bytes(at index: Int32) -> [UInt8]? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var len = 0
        guard let p = bl_tolstring(L, index, &len) else { return nil }
        return p.withMemoryRebound(to: UInt8.self, capacity: len) { Array(UnsafeBufferPointer(start: $0, count: len)) }
    }

    /// A printable text for an error value: strings as they are, other values by type.
    public func errorText(at index: Int32) -> String {
        if let s = string(at: index) { return s }
        switch lua_type(L, index) {
        case LUA_TNUMBER: return describe(value(at: index))
        case LUA_TNIL: return "nil"
        default: return "(error object is a \(typeName(at: index)) value)"
        }
    }

    private func describe(_ v: LuaValue) -> String {
        switch v {
        case .integer(let i): return String(i)
        case .number(let d): return String(d)
        default: return v.typeName
        }
    }

    public func value(at index: Int32, depth: Int = 0) -> LuaValue {
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 { return .integer(lua_tointegerx(L, index, nil)) }
            return .number(lua_tonumberx(L, index, nil))
        case LUA_TSTRING:
            var len = 0
            let p = bl_tolstring(L, index, &len)!
            return p.withMemoryRebound(to: UInt8.self, capacity: len) { ptr in
                let buffer = UnsafeBufferPointer(start: ptr, count: len)
                if let s = String(validating: buffer, as: UTF8.self) { return .string(s) }
                return .bytes(Array(buffer))
            }
        case LUA_TTABLE:
            return depth > 64 ? .opaque(typeName: "table (nested too deep)") : .table(table(at: index, depth: depth))
        default:
            return .opaque(typeName: typeName(at: index))
        }
    }

    /// Copies a table with raw access. Nested tables are copied too, up to 64 levels.
    /// The table at `index` as Swift values. `keeping` (when given) and `leavingOut` choose which of
    /// its string keys are converted; nested tables are converted whole.
    public func table(at index: Int32, depth: Int = 0, keeping: Set<String>? = nil, leavingOut: Set<String> = []) -> LuaTable {
        let t = lua_absindex(L, index)
        var result = LuaTable()
        let n = lua_rawlen(L, t)
        if n > 0 {
            result.array.reserveCapacity(Int(n))
            for i in 1...Int64(n) {
                lua_rawgeti(L, t, i)
                result.array.append(value(at: -1, depth: depth + 1))
                bl_pop(L, 1)
            }
        }
        lua_pushnil(L)
        while lua_next(L, t) != 0 {
            // key at -2, value at -1
            switch lua_type(L, -2) {
            case LUA_TSTRING:
                let key = string(at: -2)!
                if keeping?.contains(key) ?? true, !leavingOut.contains(key) { result.fields[key] = value(at: -1, depth: depth + 1) }
            case LUA_TNUMBER where lua_isinteger(L, -2) != 0:
                let k = lua_tointegerx(L, -2, nil)
                if k < 1 || k > Int64(n) { result.otherKeys.append(String(k)) }
            default:
                result.otherKeys.append("[\(typeName(at: -2))]")
            }
            bl_pop(L, 1)
        }
        // nil holes make rawlen ambiguous: drop trailing nils it may include
        while let last = result.array.last, last.isNil { result.array.removeLast() }
        return result
    }

    // MARK: pushing

    public func pushString(_ s: String) {
        var s = s
        _ = s.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
    }

    public func pushBytes(_ b: [UInt8]) {
        _ = b.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
    }

    public func push(_ value: LuaValue) {
        switch value {
        case .nil, .opaque: lua_pushnil(L)
        case .boolean(let b): lua_pushboolean(L, b ? 1 : 0)
        case .integer(let i): lua_pushinteger(L, i)
        case .number(let d): lua_pushnumber(L, d)
        case .string(let s): pushString(s)
        case .bytes(let b): pushBytes(b)
        case .table(let t): push(t)
        }
    }

    public func push(_ table: LuaTable) {
        lua_createtable(L, Int32(table.array.count), Int32(table.fields.count))
        for (i, v) in table.array.enumerated() {
            push(v)
            lua_rawseti(L, -2, Int64(i + 1))
        }
        for (k, v) in table.fields {
            pushString(k)
            push(v)
            lua_rawset(L, -3)
        }
    }

    /// Field `key` of the table at `index`, read raw (no metamethod runs).
    public func rawField(_ index: Int32, _ key: String) -> LuaValue {
        let t = lua_absindex(L, index)
        pushString(key)
        lua_rawget(L, t)
        defer { pop() }
        return value(at: -1)
    }

    /// Pushes field `key` of the table at `index`, read raw; returns its type.
    @discardableResult
    public func pushRawField(_ index: Int32, _ key: String) -> Int32 {
        let t = lua_absindex(L, index)
        pushString(key)
        return lua_rawget(L, t)
    }

    /// Sets field `key` of the table at `index` to nil, raw.
    public func clearField(_ index: Int32, _ key: String) {
        let t = lua_absindex(L, index)
        pushString(key)
        lua_pushnil(L)
        lua_rawset(L, t)
    }

    public func newTable(array: Int32 = 0, records: Int32 = 0) { lua_createtable(L, array, records) }

    /// Pops the top value into global `name`.
    public func setGlobal(_ name: String) { lua_setglobal(L, name) }

    /// Sets field `key` of the table at `tableIndex` to the value on top (popping it), raw.
    public func setField(_ tableIndex: Int32, _ key: String) {
        let t = lua_absindex(L, tableIndex)
        pushString(key)
        bl_insert(L, -2)
        lua_rawset(L, t)
    }

    /// The Lua source position (`file:line`) of the nearest Lua frame calling into the host.
    public func origin() -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 512) { buf in
            bl_nearest_lua_frame(L, buf.baseAddress, 512)
            return String(cString: buf.baseAddress!)
        }
    }

    // MARK: argument helpers for host functions

    /// The table argument at `index`, or an error naming the function and what it expected.
    public func tableArgument(_ index: Int32, function: String, leavingOut: Set<String> = []) throws -> LuaTable {
        guard lua_type(L, index) == LUA_TTABLE else {
            throw LuaRaise("\(function): expected a table argument, got \(typeName(at: index))")
        }
        return table(at: index, leavingOut: leavingOut)
    }

    public func stringArgument(_ index: Int32, function: String, name: String) throws -> String {
        guard let s = string(at: index) else {
            throw LuaRaise("\(function): '\(name)' must be a string, got \(typeName(at: index))")
        }
        return s
    }
}
