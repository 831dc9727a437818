import ArgumentParser
import BrambleCore
import LuaKit

/// Options every command that runs Lua shares: where it acts, where it logs, and its limits.
struct HostOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Treat DIR as '/': every path lands under DIR and can never leave it.", valueName: "DIR"), transform: absolutePath)
    var root: String?

    @Option(help: ArgumentHelp("Audit log file (JSON Lines, appended). Default: ROOT/var/log/bramble/RUN.jsonl.", valueName: "FILE"), transform: absolutePath)
    var log: String?

    @Option(name: .customLong("max-instructions"), help: "Lua instruction budget for the run (0: none).")
    var maxInstructions: Int64 = LuaLimits().instructions

    @Option(name: .customLong("max-memory"), help: ArgumentHelp("Lua memory cap, e.g. 512M or 2G (0: none).", valueName: "SIZE"))
    var maxMemory: String = "2G"

    @Option(help: ArgumentHelp("Wall-clock limit for the run in seconds (0: none).", valueName: "SECONDS"))
    var timeout: Double = LuaLimits().seconds

    @Flag(name: .shortAndLong, help: "Print only errors: no summary line, no progress.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Print each action as it ends.")
    var verbose = false

    func limits() throws -> LuaLimits {
        guard let bytes = ByteSize.parse(maxMemory) else {
            throw ValidationError("--max-memory: expected a size like 512M or 2G, got '\(maxMemory)'")
        }
        guard maxInstructions >= 0, timeout >= 0 else { throw ValidationError("limits must not be negative") }
        return LuaLimits(instructions: maxInstructions, memoryBytes: bytes, seconds: timeout)
    }
}

enum ByteSize {
    static func parse(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        if let last = text.uppercased().last, let unit = units[last] {
            return Int(text.dropLast()).map { $0 * unit }
        }
        return Int(text)
    }
}

/// Objects a command keeps until the process exits: a run's Lua state holds every table of a large
/// site, and closing it table by table costs more than the exit that follows (see `finish`).
nonisolated(unsafe) private var keptUntilExit: [AnyObject] = []
func keepUntilExit(_ object: AnyObject) { keptUntilExit.append(object) }

/// Exits with the contract's code after printing the message, if any, to stderr. It exits right here
/// rather than unwinding: a run over thousands of nodes holds hundreds of thousands of objects (the fake
/// host's files, the Lua state), and freeing them one by one costs more than the kernel's one release.
func finish(_ end: RunEnd) -> Never {
    if let message = end.message {
        let label: String
        switch end {
        case .denied: label = "refused by the sandbox: "
        case .limit: label = ""
        case .badInput: label = "bad input: "
        default: label = ""
        }
        Terminal.error("bramble: \(label)\(message)")
    }
    exit(end.exitCode)
}

/// Paths on the command line are taken relative to the current folder, as a user expects.
func absolutePath(_ path: String) throws -> String {
    guard !path.isEmpty else { throw ValidationError("an empty path was given") }
    if path.hasPrefix("/") { return path }
    return LogicalPath.normalize(currentDirectory() + "/" + path)
}

#if canImport(Glibc)
import Glibc
#endif
