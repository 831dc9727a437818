import LuaKit

/// Reads what a command needs to know about a site before it picks a host: its family.
public enum SiteProbe {
    public static func family(of sitePath: String, stdlib: String) -> String? {
        guard case .success(let source) = ScriptRunner.readScript(sitePath),
              let audit = try? AuditLog(runID: "probe", path: nil) else { return nil }
        let session = Session(host: FakeHost(), policy: .closed, audit: audit)
        session.output = { _ in }
        guard let runner = try? ScriptRunner(session: session, limits: LuaLimits(instructions: 500_000_000, memoryBytes: 1 << 30, seconds: 60),
                                             stdlib: stdlib, scriptFolder: PlaybookDriver.folder(of: sitePath)) else { return nil }
        do {
            try Sandbox.loadIsolated(runner.state, source: source, chunkName: "@" + sitePath)
            try runner.state.callKeepingResults(arguments: 0, results: 1)
        } catch { return nil }
        guard runner.state.stack.type(at: -1) == LUA_TTABLE else { return nil }
        return runner.state.stack.rawField(-1, "family").stringValue
    }
}

/// Writes what a run on a fake host made — every file, folder and link that is new or differs from
/// the fixture it started from — into a real folder for review, with the commands it ran.
public struct RenderWriter {
    public let folder: String
    static let marker = ".bramble-render"

    public init(folder: String) { self.folder = folder }

    /// Refuses a non-empty folder that is not an earlier render (it would be mixed into the review).
    public func prepare() throws {
        let local = LocalHost()
        if let info = local.info(folder) {
            guard info.kind == .directory else { throw HostError(.exists, folder, "exists and is not a folder") }
            let entries = try local.list(folder)
            if !entries.isEmpty {
                guard entries.contains(RenderWriter.marker) else {
                    throw HostError(.exists, folder, "is not empty and not an earlier render; choose an empty or new folder")
                }
                try local.remove(folder)
            }
        }
        try AuditLog.makeParents(folder, mode: 0o755)
        try local.write(folder + "/" + RenderWriter.marker, Array("written by bramble render\n".utf8), mode: 0o644, uid: nil, gid: nil)
    }

    /// Returns the paths written. Paths come in sorted order, so a folder is made before what it holds;
    /// the folders known to exist are remembered rather than asked of the disk again.
    @discardableResult
    public func write(host: FakeHost, before: [String: MemoryFileSystem.Node]) throws -> [String] {
        let out = LocalHost(root: folder, durable: false)
        var written: [String] = []
        var known: Set<String> = ["/"]
        // modes are given exactly: no umask in the way, so no chmod after each mkdir
        let oldMask = umask(0)
        defer { umask(oldMask) }
        for (path, node) in host.fs.nodes.sorted(by: { $0.key < $1.key }) where path != "/" && before[path] != node && !RenderWriter.isInternal(path) {
            try ensureParents(path, out, &known)
            let real = out.hostPath(path)
            switch node {
            case .file(let data, let mode, _, _): try out.write(path, data, mode: mode, uid: nil, gid: nil)
            case .directory(let mode, _, _):
                if mkdir(real, mode_t(mode | 0o700)) != 0 && errno != EEXIST { throw HostError(.io, path, errnoText()) }
                known.insert(path)
            case .symlink(let target): if out.info(path) == nil { try out.makeSymlink(path, target: target) }
            case .whiteout: continue
            }
            written.append(path)
        }
        var log = ""
        for command in host.commands {
            log += (command.chroot.map { "[chroot \($0)] " } ?? "") + command.argv.map(RenderWriter.quote).joined(separator: " ") + "\n"
        }
        try LocalHost().write(folder + "/commands.log", Array(log.utf8), mode: 0o644, uid: nil, gid: nil)
        return written
    }

    private func ensureParents(_ path: String, _ out: LocalHost, _ known: inout Set<String>) throws {
        let parent = LogicalPath.parent(path)
        if known.contains(parent) { return }
        try ensureParents(parent, out, &known)
        if mkdir(out.hostPath(parent), 0o755) != 0 && errno != EEXIST { throw HostError(.io, parent, errnoText()) }
        known.insert(parent)
    }

    /// Bramble's own state and the fakes' bookkeeping: not part of what a site gets.
    static func isInternal(_ path: String) -> Bool {
        ["/var/lib/bramble", "/run/fake-systemd"].contains { LogicalPath.isWithin(path, $0) }
            || path.hasSuffix("/var/lib/rpm/fake-installed") || path.hasSuffix("/var/lib/dpkg/fake-installed")
    }

    static func quote(_ word: String) -> String {
        word.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }) && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

import CLua
#if canImport(Glibc)
import Glibc
#endif
