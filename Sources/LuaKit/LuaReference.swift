import CLua
import CLuaShim

/// A Lua value Swift holds on to (a function, typically), kept alive in the registry until released.
public final class LuaReference {
    unowned let state: LuaState
    let ref: Int32

    init(state: LuaState, ref: Int32) {
        self.state = state
        self.ref = ref
    }

    deinit { luaL_unref(state.L, bl_registryindex(), ref) }

    public var typeName: String {
        lua_rawgeti(state.L, bl_registryindex(), lua_Integer(ref))
        defer { bl_pop(state.L, 1) }
        return state.stack.typeName(at: -1)
    }
}

extension LuaState {
    /// Keeps the value at `index` (of the main stack) for later; the stack is unchanged.
    public func reference(at index: Int32) -> LuaReference {
        lua_pushvalue(L, index)
        return LuaReference(state: self, ref: luaL_ref(L, bl_registryindex()))
    }

    public func push(_ reference: LuaReference) {
        lua_rawgeti(L, bl_registryindex(), lua_Integer(reference.ref))
    }

    /// Calls a referenced function with `arguments`; returns its results (errors as `LuaError`).
    @discardableResult
    public func call(_ function: LuaReference, _ arguments: [LuaValue] = []) throws -> [LuaValue] {
        push(function)
        for a in arguments { stack.push(a) }
        return try call(arguments: Int32(arguments.count))
    }
}
