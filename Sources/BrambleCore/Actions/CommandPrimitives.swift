import LuaKit

/// Options shared by `run` and `chroot`: when the command can be skipped, and what it changes.
struct CommandOptions {
    var creates: String?
    var unless: [String]
    var effects: [String]
    var environment: [String: String]
    var workingDirectory: String?
    var stdin: [UInt8]?
    var timeout: Double
    var check: Bool

    init(_ args: Arguments) throws {
        creates = try args.optionalPath("creates")
        unless = try args.stringList("unless")
        effects = try args.stringList("effects")
        for e in effects { try Arguments.checkPath(e, key: "effects", primitive: args.primitive) }
        environment = try args.stringMap("env")
        workingDirectory = try args.optionalPath("cwd")
        stdin = try args.optionalString("stdin").map { Array($0.utf8) }
        timeout = try args.number("timeout") ?? CommandRunner.defaultTimeout
        check = try args.bool("check", default: true)
    }

    static let parameters = ["creates", "unless", "effects", "env", "cwd", "stdin", "timeout", "check"]
}

/// The shared body of `run` and `chroot`.
enum CommandAction {
    static func perform(_ argv: [String], chroot: String?, options: CommandOptions, action: String, session: Session) throws -> ActionOutcome {
        let runner = CommandRunner(session: session, action: action)
        try session.guardian.checkProgram(argv, action: action)
        let inImage: (String) -> String = { path in chroot.map { $0 == "/" ? path : $0 + path } ?? path }
        if let creates = options.creates {
            let path = try session.guardian.resolveForRead(inImage(creates))
            if session.host.info(path) != nil {
                return ActionOutcome(.ok, fields: [("reason", .string("'\(creates)' exists"))], luaFields: ["exit": .nil])
            }
        }
        if !options.unless.isEmpty {
            if session.isPlan {
                // a script's own probe is not known to be read-only: the plan does not run it
                return ActionOutcome(.unknown, fields: [("reason", .string("the plan does not run 'unless' probes"))])
            }
            let probe = try runner.run(CommandSpec(argv: options.unless, timeout: 300, chroot: chroot))
            if probe?.exitCode == 0 { return ActionOutcome(.ok, fields: [("reason", .string("'unless' command succeeded"))]) }
        }
        // where the command writes must be allowed before it runs
        var effects: [String] = []
        for e in options.effects + (options.creates.map { [$0] } ?? []) {
            effects.append(try session.guardian.resolveForWrite(inImage(e), action: action))
        }
        var spec = CommandSpec(argv: argv, environment: options.environment, workingDirectory: options.workingDirectory.map(session.host.hostPath),
                               standardInput: options.stdin, timeout: options.timeout, chroot: chroot)
        if chroot == nil, let cwd = options.workingDirectory { spec.workingDirectory = session.host.hostPath(cwd) }
        guard let result = try runner.run(spec) else {
            for e in effects { (session.host as? OverlayHost)?.markUnknown(e) }
            let status: ActionStatus = effects.isEmpty ? .unknown : .changed
            return ActionOutcome(status, fields: [("effects", .array(effects.map { .string($0) }))],
                                 diff: "would run: \(argv.joined(separator: " "))\(chroot.map { " (in \($0))" } ?? "")\n")
        }
        if options.check { try CommandRunner.check(result, spec) }
        return ActionOutcome(.changed, fields: CommandRunner.fields(spec, result),
                             luaFields: ["exit": .integer(Int64(result.exitCode)), "stdout": .bytes(result.standardOutput).normalized,
                                         "stderr": .bytes(result.standardError).normalized])
    }
}

extension LuaValue {
    /// Valid UTF-8 bytes as a string value.
    var normalized: LuaValue {
        if case .bytes(let b) = self, let s = String(validating: b, as: UTF8.self) { return .string(s) }
        return self
    }
}

public enum RunCommand: Primitive {
    public static let name = "run"
    public static let summary = "run a program from an argv array (no shell); returns exit, stdout, stderr"
    public static let parameters = CommandOptions.parameters
    public static let takesArgv = true
    public static func subject(_ args: Arguments) -> [(String, JSON)] {
        [("argv", .array(args.table.array.map { .string($0.stringValue ?? "?") }))]
    }

    public static func perform(_ args: Arguments, in session: Session) throws -> ActionOutcome {
        try CommandAction.perform(try args.argv(), chroot: nil, options: try CommandOptions(args), action: name, session: session)
    }
}

public enum Chroot: Primitive {
    public static let name = "chroot"
    public static let summary = "run a program inside a declared image root, with /proc, /sys and /dev bound for its lifetime"
    // no cwd: chroot(1) starts the command at the image's /
    public static let parameters = ["root"] + CommandOptions.parameters.filter { $0 != "cwd" }
    public static let takesArgv = true
    public static func subject(_ args: Arguments) -> [(String, JSON)] {
        [("chroot", args.table["root"].stringValue.map(JSON.string) ?? .null), ("argv", .array(args.table.array.map { .string($0.stringValue ?? "?") }))]
    }

    public static func perform(_ args: Arguments, in session: Session) throws -> ActionOutcome {
        let root = try session.guardian.checkChroot(try args.path("root"), action: name)
        return try CommandAction.perform(try args.argv(), chroot: root, options: try CommandOptions(args), action: name, session: session)
    }
}
