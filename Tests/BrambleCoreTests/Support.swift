import Testing
import LuaKit
@testable import BrambleCore

/// A throwaway folder on the real machine, removed when the test ends.
final class Scratch {
    let path: String
    init() throws {
        path = try TempFolder().path
    }
    deinit { try? LocalHost().remove(path) }

    func write(_ relative: String, _ content: String, mode: UInt32 = 0o644) throws {
        let host = LocalHost(root: path)
        try ensureDir(LogicalPath.parent(relative), host)
        try host.write(relative, Array(content.utf8), mode: mode, uid: nil, gid: nil)
    }

    func mkdir(_ relative: String) throws { try ensureDir(relative, LocalHost(root: path)) }

    func symlink(_ relative: String, to target: String) throws {
        let host = LocalHost(root: path)
        try ensureDir(LogicalPath.parent(relative), host)
        try host.makeSymlink(relative, target: target)
    }

    func read(_ relative: String) -> String? {
        LocalHost(root: path).readIfPresent(relative).map { String(decoding: $0, as: UTF8.self) }
    }

    func exists(_ relative: String) -> Bool { LocalHost(root: path).info(relative) != nil }

    private func ensureDir(_ p: String, _ host: LocalHost) throws {
        if p == "/" || host.info(p) != nil { return }
        try ensureDir(LogicalPath.parent(p), host)
        try host.makeDirectory(p, mode: 0o755)
    }
}

struct LuaRun {
    let end: RunEnd
    let session: Session
    let output: String
    var records: [JSON] { session.audit.records }
    /// Records of actions (not the run's own start/end), as "action status path".
    var actions: [String] {
        records.compactMap { r in
            guard let a = r["action"]?.stringValue else { return nil }
            let subject = r["path"]?.stringValue ?? r["argv"].map { $0.serialized() } ?? r["unit"]?.stringValue ?? ""
            return "\(a) \(r["status"]?.stringValue ?? "?") \(subject)"
        }
    }
}

/// Runs Lua source in the sandbox with the bramble API on `host` under `policy`.
func runLua(_ source: String, host: Host, policy: Policy = Policy(), logPath: String? = nil, declare: Bool = false,
            limits: LuaLimits = LuaLimits(instructions: 100_000_000, memoryBytes: 256 << 20, seconds: 60)) throws -> LuaRun {
    let audit = try AuditLog(runID: AuditLog.newRunID(), path: logPath)
    let session = Session(host: host, policy: policy, audit: audit, mayDeclarePolicy: declare)
    var output = ""
    session.output = { output += $0 }
    let runner = try ScriptRunner(session: session, limits: limits, stdlib: packageRoot + "/stdlib", scriptFolder: nil)
    let result = runner.run(source: Array(source.utf8), chunkName: "@test.lua")
    let end: RunEnd
    switch result {
    case .success: end = .success
    case .failure(let e): end = e
    }
    return LuaRun(end: end, session: session, output: output)
}

let packageRoot: String = {
    var p = #filePath
    for _ in 0..<3 { p = LogicalPath.parent(p) }
    return p
}()

func fixture(_ name: String) throws -> FakeHost {
    try FixtureLoader.load(name, stdlib: packageRoot + "/stdlib")
}
