/// What can go wrong running Lua, sorted by what the caller should tell the user.
public enum LuaError: Error, Equatable, CustomStringConvertible {
    /// The chunk does not compile (or is a binary chunk): bad input.
    case syntax(String)
    /// The script raised an error; `traceback` is Lua's traceback at the point of the error.
    case runtime(message: String, traceback: String)
    /// The state was stopped for good by a limit (instructions, memory, wall clock).
    case limit(LuaLimitKind, message: String, traceback: String)

    public var description: String {
        switch self {
        case .syntax(let m): return m
        case .runtime(let m, _): return m
        case .limit(_, let m, _): return m
        }
    }

    public var traceback: String {
        switch self {
        case .syntax: return ""
        case .runtime(_, let t), .limit(_, _, let t): return t
        }
    }
}

public enum LuaLimitKind: String, Sendable {
    case instructions, memory, time
}

/// An error a Swift host function throws to raise a Lua error with this message.
/// The trampoline prefixes the Lua caller's `file:line:`.
public struct LuaRaise: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
