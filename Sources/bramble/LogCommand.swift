import ArgumentParser
import BrambleCore

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Read the audit log: the runs, one run's actions, or which run last changed a file.",
        discussion: """
            Examples:
              bramble log                          # every run: time, command, site, summary
              bramble log 20261126T081309Z-ab12cd  # that run's actions: status, step, target, origin, duration
              bramble log --why /etc/exports       # which run, step and Lua line last changed it, with the diff
              bramble log RUN --json               # the records themselves (JSON Lines)
            """
    )

    @Argument(help: ArgumentHelp("A run id (or its first characters).", valueName: "RUN"))
    var runID: String?

    @Option(help: ArgumentHelp("Which run, step and Lua line last changed PATH (with the diff).", valueName: "PATH"))
    var why: String?

    @Option(help: ArgumentHelp("Treat DIR as '/' (logs in DIR/var/log/bramble).", valueName: "DIR"), transform: absolutePath)
    var root: String?

    @Option(help: ArgumentHelp("Read this log file instead.", valueName: "FILE"), transform: absolutePath)
    var log: String?

    @Flag(help: "Pass the records through as JSON Lines.")
    var json = false

    func run() throws {
        let reader = LogReader(log: log, root: root)
        do {
            if let why { try explain(why, reader) } else if let id = runID { try show(id, reader) } else { try list(reader) }
        } catch let error as HostError {
            finish(.badInput("\(error)"))
        }
    }

    private func list(_ reader: LogReader) throws {
        let runs = try reader.runs()
        if json {
            for run in runs {
                Terminal.out(JSON.object([("run", .string(run.id)), ("start", run.start ?? .null), ("end", run.end ?? .null), ("file", .string(run.file))]).serialized() + "\n")
            }
            return
        }
        if runs.isEmpty { Terminal.out("no runs logged in \(reader.files.isEmpty ? "\(root ?? "")/var/log/bramble" : reader.files.joined(separator: ", "))\n") }
        for run in runs {
            let command = run.start?["command"]?.stringValue ?? "?"
            let script = run.start?["script"]?.stringValue ?? ""
            var summary = "(no end record: interrupted?)"
            if case .object(let counts)? = run.end?["summary"] {
                summary = counts.filter { ($0.1.intValue ?? 0) > 0 }.map { "\($0.1.intValue ?? 0) \($0.0)" }.joined(separator: ", ")
                if summary.isEmpty { summary = "nothing to do" }
            }
            Terminal.out("\(run.id)  \(run.time)  \(command.padding(8)) \(script)  \(summary)\n")
        }
    }

    private func show(_ id: String, _ reader: LogReader) throws {
        guard let run = try reader.runs().first(where: { $0.id == id || $0.id.hasPrefix(id) }) else {
            finish(.badInput("no run \(id) in \(reader.files.joined(separator: ", "))"))
        }
        if json {
            for record in run.records { Terminal.out(record.serialized() + "\n") }
            return
        }
        let report = Report()
        Terminal.out("run \(run.id): \(run.start?["command"]?.stringValue ?? "?") \(run.start?["script"]?.stringValue ?? "") at \(run.time) (\(run.file))\n")
        for record in run.records {
            guard var line = report.line(record) else { continue }
            if case .double(let ms)? = record["ms"] { line += "  (\(ms) ms)" } else if case .int(let ms)? = record["ms"] { line += "  (\(ms) ms)" }
            Terminal.out(line + "\n")
        }
        if let end = run.end { Terminal.out("exit \(end["exit"]?.intValue ?? -1): \(end["summary"]?.serialized() ?? "")\n") }
    }

    private func explain(_ path: String, _ reader: LogReader) throws {
        guard let change = try reader.lastChange(of: path) else {
            Terminal.out("no logged run changed \(path)\n")
            throw ExitCode(1)
        }
        let record = change.record
        if json {
            Terminal.out(record.serialized() + "\n")
            return
        }
        let step = record["step"]?.stringValue ?? "-"
        Terminal.out("""
            \(path) was last changed by run \(change.run.id) (\(change.run.start?["command"]?.stringValue ?? "?") \(change.run.start?["script"]?.stringValue ?? ""))
              at \(record["ts"]?.stringValue ?? "?"), step \(step), action \(record["action"]?.stringValue ?? "?"), from \(record["origin"]?.stringValue ?? "?")

            """)
        let host = LocalHost(root: root ?? "/")
        if let diff = LogReader.diff(of: change, host: host) {
            Terminal.out(diff)
        } else {
            Terminal.out("(the diff cannot be rebuilt: the new content is neither on disk nor in the backups)\n")
        }
    }
}
