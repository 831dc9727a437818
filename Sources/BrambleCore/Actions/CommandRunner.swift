import LuaKit

/// Runs commands for primitives, the same way on every host: the program must pass the policy;
/// the plan host never runs a command that changes anything; a staged run (`--root`) never touches
/// the live system (reloading exports, restarting services, installing head packages).
struct CommandRunner {
    let session: Session
    let action: String

    static let defaultTimeout = 3600.0

    /// A run under --root (also its plan): the live system is not touched.
    var isStaged: Bool {
        let host = (session.host as? OverlayHost)?.base ?? session.host
        return (host as? LocalHost).map { !$0.root.isEmpty } ?? false
    }

    /// A read-only probe the core itself chose (systemctl is-enabled, rpm -q, dpkg-query, rsync
    /// --dry-run): no script picks its argv, so it needs no run permission of its own; it runs even
    /// for a plan, on the machine the plan reads.
    func probe(_ spec: CommandSpec) throws -> CommandResult {
        let host = (session.host as? OverlayHost)?.base ?? session.host
        guard host.kind == .fake || host.hasProgram(spec.argv[0]) else {
            // like a shell's 127: the question cannot be asked here, so the answer is "no"
            return CommandResult(exitCode: 127, standardError: Array("\(spec.argv[0]): not found on this machine\n".utf8))
        }
        return try host.execute(spec)
    }

    /// A command that changes something: nil on the plan host (not run).
    func run(_ spec: CommandSpec) throws -> CommandResult? {
        try session.guardian.checkProgram(spec.argv, action: action)
        if session.isPlan { return nil }
        return try session.host.execute(spec)
    }

    static func fields(_ spec: CommandSpec, _ result: CommandResult?) -> [(String, JSON)] {
        var f: [(String, JSON)] = []
        if let result {
            f.append(("exit", .int(Int64(result.exitCode))))
            if result.timedOut { f.append(("timed_out", .bool(true))) }
            f.append(("stdout_tail", .string(tail(result.standardOutput))))
            f.append(("stderr_tail", .string(tail(result.standardError))))
        }
        return f
    }

    static func tail(_ data: [UInt8], limit: Int = 2048) -> String {
        String(decoding: data.suffix(limit), as: UTF8.self)
    }

    /// Throws a failure naming the command and its last error output.
    static func check(_ result: CommandResult, _ spec: CommandSpec) throws {
        guard result.exitCode != 0 else { return }
        let why = result.timedOut ? "timed out after \(Int(spec.timeout))s" : "exited \(result.exitCode)"
        let detail = tail(result.standardError.isEmpty ? result.standardOutput : result.standardError, limit: 800)
            .trimmed()
        throw ActionFailure("'\(spec.argv.joined(separator: " "))' \(why)\(detail.isEmpty ? "" : ": " + detail)", fields: fields(spec, result))
    }
}

extension String {
    /// Without leading and trailing white space and newlines.
    func trimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
