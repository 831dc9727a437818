/// Per-state limits. The defaults are sized for planning a 10,000-node cluster with room to spare.
public struct LuaLimits: Sendable, Equatable {
    /// Lua VM instructions for the whole run (0: unlimited).
    public var instructions: Int64
    /// Bytes the Lua heap may hold (0: unlimited).
    public var memoryBytes: Int
    /// Seconds of wall-clock time for the whole run (0: unlimited).
    public var seconds: Double

    public init(instructions: Int64 = 2_000_000_000, memoryBytes: Int = 2 << 30, seconds: Double = 3600) {
        self.instructions = instructions
        self.memoryBytes = memoryBytes
        self.seconds = seconds
    }

    public static let unlimited = LuaLimits(instructions: 0, memoryBytes: 0, seconds: 0)
}
