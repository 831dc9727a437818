import ArgumentParser
import BrambleCore

struct UndoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Put back every file that a run changed, from its backups.",
        discussion: """
            Files the run wrote get their previous content and mode back; files and folders it created are \
            removed; files it removed come back. Commands it ran are listed but cannot be undone. \
            A file changed again since that run is a conflict: undo refuses and names it, unless --force.

            Example:
              bramble undo 20261126T081309Z-ab12cd --root /tmp/stage --yes
            """
    )

    @Argument(help: ArgumentHelp("The run id (see the summary line of that run, or `bramble log`).", valueName: "RUN"))
    var runID: String

    @Option(help: ArgumentHelp("Treat DIR as '/' (as the run did).", valueName: "DIR"), transform: absolutePath)
    var root: String?

    @Option(help: ArgumentHelp("The audit log holding the run. Default: ROOT/var/log/bramble/.", valueName: "FILE"), transform: absolutePath)
    var log: String?

    @Flag(help: "Do it without asking.")
    var yes = false

    @Flag(help: "Undo even files that were changed again since the run (their later changes are lost).")
    var force = false

    @Flag(help: "Print what was (or would be) undone as one JSON object.")
    var json = false

    func run() throws {
        let host = LocalHost(root: root ?? "/")
        let records: [JSON]
        do { records = try LogFinder.records(of: runID, log: log, host: host) } catch { finish(.badInput("\(error)")) }
        let undo = Undo(host: host)
        let steps = undo.plan(records)
        if steps.isEmpty {
            Terminal.out("run \(runID) changed no file: nothing to undo\n")
            return
        }
        if !json {
            for step in steps { Terminal.out("\(step.kind.rawValue.padding(12)) \(step.path)\(step.kind == .restore || step.kind == .recreate ? "" : "  (\(step.detail))")\n") }
        }
        let conflicts = steps.filter { $0.kind == .conflict }
        if !conflicts.isEmpty && !force {
            finish(.scriptFailed("\(conflicts.count) file(s) changed since run \(runID): \(conflicts.map(\.path).joined(separator: ", ")); nothing was undone (use --force to undo anyway)"))
        }
        if !yes {
            guard isatty(0) == 1 else { finish(.badInput("undo asks before it acts: pass --yes when not at a terminal")) }
            Terminal.out("Undo these \(steps.count) changes? [y/N] ")
            guard let answer = readLine(), answer.lowercased().hasPrefix("y") else {
                Terminal.out("nothing undone\n")
                return
            }
        }
        let done: [Undo.Step]
        do { done = try undo.apply(force ? steps.filter { $0.kind != .conflict } + forcedRestores(records, conflicts) : steps) } catch {
            finish(.scriptFailed("undo stopped: \(error)"))
        }
        let audit = try? AuditLog(runID: AuditLog.newRunID(), path: log ?? host.hostPath("/var/log/bramble/undo.jsonl"))
        for step in done { audit?.record([("action", .string("undo")), ("status", .string("changed")), ("of_run", .string(runID)), ("kind", .string(step.kind.rawValue)), ("path", .string(step.path))]) }
        if json {
            let list = done.map { JSON.object([("kind", .string($0.kind.rawValue)), ("path", .string($0.path))]) }
            Terminal.out(JSON.object([("run", .string(runID)), ("undone", .array(list)), ("cannot_undo", .array(steps.filter { $0.kind == .cannotUndo }.map { .string($0.path) }))]).serialized() + "\n")
        } else {
            Terminal.out("undid \(done.count) change(s) of run \(runID)\n")
        }
    }

    /// With --force a conflicting file is restored as if it had not changed since.
    private func forcedRestores(_ records: [JSON], _ conflicts: [Undo.Step]) -> [Undo.Step] {
        let paths = Set(conflicts.map(\.path))
        let stripped = records.map { record -> JSON in
            guard case .object(let fields) = record, let p = record["resolved"]?.stringValue ?? record["path"]?.stringValue, paths.contains(p) else { return record }
            return .object(fields.filter { $0.0 != "after" })
        }
        return Undo(host: LocalHost(root: root ?? "/")).plan(stripped).filter { paths.contains($0.path) }
    }
}

/// Finds a run's records: in the given log, or in ROOT/var/log/bramble/ (RUN.jsonl first, then any log).
enum LogFinder {
    static func records(of run: String, log: String?, host: LocalHost) throws -> [JSON] {
        var files: [String] = []
        if let log { files = [log] } else {
            let dir = host.hostPath("/var/log/bramble")
            let named = dir + "/" + run + ".jsonl"
            files = LocalHost().info(named) != nil ? [named] : ((try? LocalHost().list(dir)) ?? []).filter { $0.hasSuffix(".jsonl") }.map { dir + "/" + $0 }
        }
        for file in files {
            let records = Undo.records(of: run, in: try AuditLog.read(path: file))
            if !records.isEmpty { return records }
        }
        throw HostError(.notFound, run, "no run \(run) in \(files.isEmpty ? "any audit log" : files.joined(separator: ", "))")
    }
}

#if canImport(Glibc)
import Glibc
#endif
