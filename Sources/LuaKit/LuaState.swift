import CLua
import CLuaShim

/// A Swift function callable from Lua. It reads its arguments from `stack` (1...stack.top), pushes
/// its results and returns how many it pushed. A thrown error becomes a Lua error raised by the C
/// trampoline after this function has returned, so `lua_error` never unwinds a Swift frame.
public typealias LuaHostFunction = (LuaStack) throws -> Int32

/// One `lua_State` with its limits and the Swift functions registered in it.
/// Not thread-safe: a state is used by one thread, the one that created it.
public final class LuaState {
    public let L: OpaquePointer
    let limits: UnsafeMutablePointer<bl_limits>
    var functions: [LuaHostFunction] = []
    private var watchdog: Watchdog?

    public init(limits: LuaLimits = LuaLimits()) throws {
        let lim = UnsafeMutablePointer<bl_limits>.allocate(capacity: 1)
        lim.initialize(to: bl_limits())
        lim.pointee.memory_limit = limits.memoryBytes > 0 ? size_t(limits.memoryBytes) : 0
        lim.pointee.instruction_budget = limits.instructions
        lim.pointee.hook_every = 1000
        lim.pointee.deadline = limits.seconds > 0 ? bl_monotonic_now() + limits.seconds : 0
        lim.pointee.host = { L, id, context in
            let state = Unmanaged<LuaState>.fromOpaque(context!).takeUnretainedValue()
            return state.dispatch(L!, Int(id))
        }
        guard let L = bl_newstate(lim) else {
            lim.deallocate()
            throw LuaRaise("could not create a Lua state")
        }
        self.L = L
        self.limits = lim
        lim.pointee.host_context = Unmanaged.passUnretained(self).toOpaque()
        bl_install_hook(L)
        if limits.seconds > 0 {
            watchdog = Watchdog(state: L, limits: lim, seconds: limits.seconds)
        }
    }

    deinit {
        watchdog?.cancel()
        lua_close(L)
        limits.deallocate()
    }

    /// The stack of the main thread.
    public var stack: LuaStack { LuaStack(L) }

    /// Bytes currently held by the Lua heap, and the most it ever held.
    public var memoryUsed: Int { Int(limits.pointee.memory_used) }
    public var memoryPeak: Int { Int(limits.pointee.memory_peak) }
    /// VM instructions executed so far (counted in hook periods).
    public var instructionsUsed: Int64 { limits.pointee.instructions_used }
    /// The limit that stopped this state, if any.
    public var limitHit: LuaLimitKind? {
        switch limits.pointee.fatal {
        case Int32(BL_FATAL_INSTRUCTIONS.rawValue): return .instructions
        case Int32(BL_FATAL_MEMORY.rawValue): return .memory
        case Int32(BL_FATAL_TIME.rawValue): return .time
        default:
            // an allocation was refused before the hook could turn it fatal (the script ended first)
            return limits.pointee.memory_hit != 0 ? .memory : nil
        }
    }

    /// Registers `function` and pushes it onto the main stack as a Lua function.
    public func pushFunction(_ function: @escaping LuaHostFunction) {
        functions.append(function)
        bl_push_host_function(L, Int32(functions.count - 1))
    }

    /// A Lua function value for `function`, usable as a field of a table pushed with `push`.
    public func makeFunction(_ function: @escaping LuaHostFunction) -> LuaFunctionRef {
        pushFunction(function)
        return LuaFunctionRef(state: self)
    }

    fileprivate func dispatch(_ L: OpaquePointer, _ id: Int) -> Int32 {
        let stack = LuaStack(L)
        do {
            return try functions[id](stack)
        } catch let raise as LuaRaise {
            stack.pushString(raise.message)
        } catch {
            stack.pushString(String(describing: error))
        }
        return -1
    }

    /// Compiles `source` (text only: binary chunks are refused) and pushes the function.
    public func load(_ source: [UInt8], chunkName: String) throws {
        let status = source.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buf.count, 1)) {
                bl_load_text(L, $0, buf.count, chunkName)
            }
        }
        if status != LUA_OK {
            let message = stack.string(at: -1) ?? "cannot load \(chunkName)"
            bl_pop(L, 1)
            if let kind = limitHit { throw LuaError.limit(kind, message: message, traceback: "") }
            throw LuaError.syntax(message)
        }
    }

    public func load(_ source: String, chunkName: String) throws {
        try load(Array(source.utf8), chunkName: chunkName)
    }

    /// Calls the function below `arguments` values on the main stack; returns its results.
    @discardableResult
    public func call(arguments: Int32 = 0, results: Int32 = LUA_MULTRET) throws -> [LuaValue] {
        let base = lua_gettop(L) - arguments - 1
        try callKeepingResults(arguments: arguments, results: results)
        let top = lua_gettop(L)
        var values: [LuaValue] = []
        if top > base {
            for index in (base + 1)...top { values.append(stack.value(at: index)) }
        }
        lua_settop(L, base)
        return values
    }

    /// Calls the function below `arguments` values and leaves its `results` results on the stack.
    /// An error becomes `LuaError`: a limit when the state was stopped for good, else a runtime error
    /// with the traceback the message handler kept.
    public func callKeepingResults(arguments: Int32, results: Int32) throws {
        guard bl_pcall_traceback(L, arguments, results) != LUA_OK else { return }
        let message = stack.errorText(at: -1)
        bl_pop(L, 1)
        lua_getfield(L, bl_registryindex(), "bramble.traceback")
        let traceback = stack.string(at: -1) ?? message
        bl_pop(L, 1)
        lua_pushnil(L)
        lua_setfield(L, bl_registryindex(), "bramble.traceback")
        if let kind = limitHit {
            // an allocation refused before the hook saw it: the state is stopped for good from here on
            if limits.pointee.fatal == 0 { limits.pointee.fatal = Int32(BL_FATAL_MEMORY.rawValue) }
            let limitMessage = String(cString: bl_fatal_message(limits))
            throw LuaError.limit(kind, message: message.contains("limit reached") ? message : limitMessage, traceback: traceback)
        }
        throw LuaError.runtime(message: message, traceback: traceback)
    }

    /// Loads and runs a chunk; returns its results.
    @discardableResult
    public func run(_ source: String, chunkName: String = "=chunk") throws -> [LuaValue] {
        try load(source, chunkName: chunkName)
        return try call()
    }

    /// Sets a global of the state's global table.
    public func setGlobal(_ name: String, _ value: LuaValue) {
        stack.push(value)
        lua_setglobal(L, name)
    }

    public func global(_ name: String) -> LuaValue {
        lua_getglobal(L, name)
        defer { bl_pop(L, 1) }
        return stack.value(at: -1)
    }
}

/// Marks that the function just pushed by `makeFunction` stays on the stack for the caller to use.
public struct LuaFunctionRef {
    let state: LuaState
}
