import ArgumentParser
import BrambleCore
import LuaKit

/// The host, session and audit log of one command invocation, with its first and last records.
struct RunContext {
    let session: Session
    let command: String
    let started: Double
    /// No summary line (validate prints its own verdict).
    var quiet = false

    /// Which host a command acts on.
    enum HostChoice {
        case local, plan
        case fake(FakeHost)
    }

    static func make(hostOptions: HostOptions, plan: Bool, fake: String?, policy: Policy, command: String, subject: String,
                     mayDeclarePolicy: Bool = false, quiet: Bool = false) throws -> RunContext {
        let choice: HostChoice
        if let fake {
            do { choice = .fake(try FixtureLoader.load(fake, stdlib: StdlibLocator.find())) } catch { finish(.badInput("--fake \(fake): \(error)")) }
        } else {
            choice = plan ? .plan : .local
        }
        return try make(hostOptions: hostOptions, host: choice, policy: policy, command: command, subject: subject, mayDeclarePolicy: mayDeclarePolicy, quiet: quiet)
    }

    static func make(hostOptions: HostOptions, host choice: HostChoice, policy: Policy, command: String, subject: String,
                     mayDeclarePolicy: Bool = false, quiet: Bool = false) throws -> RunContext {
        let host: Host
        var fake = false
        switch choice {
        case .fake(let f):
            host = f
            fake = true
        case .local, .plan:
            let local = LocalHost(root: hostOptions.root ?? "/")
            if let root = hostOptions.root, local.info("/")?.kind != .directory {
                finish(.badInput("--root \(root): no such directory"))
            }
            if case .plan = choice { host = OverlayHost(base: local) } else { host = local }
        }
        let runID = AuditLog.newRunID()
        let logPath: String?
        if let log = hostOptions.log {
            logPath = log == "/dev/null" ? nil : log
        } else if fake {
            logPath = nil
        } else {
            logPath = LocalHost(root: hostOptions.root ?? "/").hostPath("/var/log/bramble/\(runID).jsonl")
        }
        let audit: AuditLog
        do { audit = try AuditLog(runID: runID, path: logPath) } catch {
            finish(.badInput("\(error) (choose another file with --log)"))
        }
        let session = Session(host: host, policy: policy, audit: audit, mayDeclarePolicy: mayDeclarePolicy)
        session.output = { Terminal.out($0) }
        if hostOptions.verbose {
            let report = Report()
            session.onAction = { record in if let line = report.line(record) { Terminal.out(line + "\n") } }
        }
        if let local = host as? LocalHost, !hostOptions.quiet, Terminal.isErrorTerminal {
            Progress.attach(to: local, session: session)
        }
        audit.record([
            ("action", .string("start")), ("status", .string("ok")), ("bramble", .string(BrambleVersion.string)),
            ("command", .string(command)), ("script", .string(subject)), ("host", .string(host.kind.rawValue)),
            ("root", hostOptions.root.map(JSON.string) ?? .null), ("policy", policy.json),
            ("argv", .array(CommandLine.arguments.map { .string($0) })),
        ])
        return RunContext(session: session, command: command, started: Clock.now(), quiet: quiet || hostOptions.quiet)
    }

    func close(end: RunEnd, runner: ScriptRunner?, json: Bool = false) {
        var fields: [(String, JSON)] = [
            ("action", .string("end")), ("status", .string(end == .success ? "ok" : "failed")), ("exit", .int(Int64(end.exitCode))),
            ("summary", session.summary), ("ms", .double(((Clock.now() - started) * 1e6).rounded() / 1000)),
        ]
        if let message = end.message { fields.append(("error", .string(message))) }
        if let runner {
            fields.append(("lua", .object([("instructions", .int(runner.state.instructionsUsed)), ("memory_peak", .int(Int64(runner.state.memoryPeak)))])))
        }
        let last = session.audit.record(fields)
        if json {
            Terminal.out(last.serialized() + "\n")
            return
        }
        if quiet { return }
        let where_ = session.audit.path.map { " (log: \($0))" } ?? ""
        Terminal.error("bramble: \(command) \(session.audit.runID): \(session.summaryLine)\(where_)")
    }
}

enum LogicalPathText {
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

extension RunContext {
    /// The plan: every action with its status, and the diff of every file it would change.
    func printPlan() {
        let report = Report()
        var out = ""
        if let declared = session.audit.records.first(where: { $0["action"]?.stringValue == "declare_policy" })?["policy"] {
            func list(_ key: String) -> String {
                guard case .array(let items)? = declared[key] else { return "" }
                return items.compactMap { $0.stringValue }.joined(separator: " ")
            }
            out += "policy declared by the playbook (a hook cannot widen it):\n  write:  \(list("write"))\n  run:    \(list("run"))\n  chroot: \(list("chroot"))\n\n"
        }
        for record in session.audit.records {
            guard let line = report.line(record) else { continue }
            out += line + "\n"
        }
        if !session.diffs.isEmpty {
            out += "\n"
            for (_, diff) in session.diffs { out += diff.hasSuffix("\n") ? diff : diff + "\n" }
        }
        Terminal.out(out)
    }
}
