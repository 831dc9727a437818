import CLua
import Dispatch
import LuaKit
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

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
    /// Below this many entries one writer is quicker than starting a second.
    static let parallelThreshold = 2_000

    public init(folder: String) { self.folder = folder }

    /// Refuses a non-empty folder that is not an earlier render (it would be mixed into the review).
    /// An earlier render is moved aside at once and removed in the background while the playbook runs;
    /// wait on the returned removal before exiting.
    public func prepare() throws -> BackgroundRemoval? {
        let local = LocalHost()
        // earlier renders moved aside by a run that did not live to remove them
        let asidePrefix = "." + LogicalPath.name(folder) + ".bramble-old-"
        var aside = ((try? local.list(LogicalPath.parent(folder))) ?? [])
            .filter { $0.hasPrefix(asidePrefix) && $0.dropFirst(asidePrefix.count).allSatisfy(\.isNumber) }
            .map { LogicalPath.join(LogicalPath.parent(folder), $0) }
        if let info = local.info(folder) {
            guard info.kind == .directory else { throw HostError(.exists, folder, "exists and is not a folder") }
            let entries = try local.list(folder)
            if !entries.isEmpty {
                guard entries.contains(RenderWriter.marker) else {
                    throw HostError(.exists, folder, "is not empty and not an earlier render; choose an empty or new folder")
                }
                let moved = LogicalPath.join(LogicalPath.parent(folder), asidePrefix + String(getpid()))
                if rename(folder, moved) == 0 {
                    aside.append(moved)
                } else {
                    try local.remove(folder)  // a parent we may not write: remove it in place
                }
            }
        }
        try AuditLog.makeParents(folder, mode: 0o755)
        try local.write(folder + "/" + RenderWriter.marker, Array("written by bramble render\n".utf8), mode: 0o644, uid: nil, gid: nil)
        return aside.isEmpty ? nil : BackgroundRemoval(aside)
    }

    /// One path to write: relative to the folder, with what goes there.
    struct Entry: Sendable {
        let path: String
        let node: MemoryFileSystem.Node
        /// False for a folder written only because something inside it changed.
        let changed: Bool
    }

    /// What a render wrote.
    public struct Written {
        let entries: [Entry]
        /// How many paths are new or changed (folders written only to hold them are not counted).
        public let count: Int
        /// Those paths, in the order written.
        public var paths: [String] { entries.filter(\.changed).map { "/" + $0.path } }
    }

    /// Two writers share the work on a large tree (making 70,000 folders is kernel time, and the
    /// machine has a second core for it).
    @discardableResult
    public func write(host: FakeHost, before: MemoryFileSystem.Entry) throws -> Written {
        let entries = RenderWriter.entries(host.fs, before: before)
        let rootFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else { throw HostError(.io, folder, errnoText()) }
        defer { close(rootFD) }
        // modes are given exactly: no umask in the way, so no chmod after each mkdir
        let oldMask = umask(0)
        defer { umask(oldMask) }
        if entries.count < RenderWriter.parallelThreshold {
            try RenderWriter.write(entries[...], into: rootFD)
        } else {
            // pre-order: the second half's folders that lie in the first half are exactly the
            // ancestors of its first entry; make them first, so the halves do not wait for each other
            let middle = entries.count / 2
            var ancestor = LogicalPath.parent("/" + entries[middle].path)
            var ancestors: [Entry] = []
            while ancestor != "/" {
                ancestors.append(Entry(path: String(ancestor.dropFirst()), node: host.fs[ancestor] ?? .directory(mode: 0o755, uid: 0, gid: 0), changed: false))
                ancestor = LogicalPath.parent(ancestor)
            }
            try RenderWriter.write(ancestors.reversed()[...], into: rootFD)
            let failures = Mutex<[any Error]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { half in
                do {
                    try RenderWriter.write(half == 0 ? entries[..<middle] : entries[middle...], into: rootFD)
                } catch {
                    failures.withLock { $0.append(error) }
                }
            }
            if let failure = failures.withLock({ $0.first }) { throw failure }
        }
        // folders were made writable for their owner so they could be filled; now give them their mode
        for entry in entries {
            if case .directory(let mode, _, _) = entry.node, mode & 0o700 != 0o700 {
                guard fchmodat(rootFD, entry.path, mode_t(mode), 0) == 0 else { throw HostError(.io, "/" + entry.path, errnoText()) }
            }
        }
        var log = ""
        for command in host.commands {
            log += (command.chroot.map { "[chroot \($0)] " } ?? "") + command.argv.map(RenderWriter.quote).joined(separator: " ") + "\n"
        }
        try LocalHost().write(folder + "/commands.log", Array(log.utf8), mode: 0o644, uid: nil, gid: nil)
        return Written(entries: entries, count: entries.reduce(0) { $0 + ($1.changed ? 1 : 0) })
    }

    /// What differs from `before`, in pre-order (a folder before what it holds, names sorted), with the
    /// unchanged folders that lead to it. Walks both trees side by side: no path is looked up.
    static func entries(_ fs: MemoryFileSystem, before: MemoryFileSystem.Entry) -> [Entry] {
        var out: [Entry] = []
        func walk(_ entry: MemoryFileSystem.Entry, _ old: MemoryFileSystem.Entry?, _ folder: String) {
            for name in entry.children.keys.sorted() {
                let child = entry.children[name]!
                let relative = folder.isEmpty ? name : folder + "/" + name
                // the internal paths end in one of a few names: the full check only runs for those
                guard let node = child.node, !(internalNames.contains(name) && isInternal("/" + relative)) else { continue }
                let previous = old?.children[name]
                let changed = previous?.node != node
                if case .directory = node {
                    let mark = out.count
                    out.append(Entry(path: relative, node: node, changed: changed))
                    walk(child, previous, relative)
                    // an unchanged folder with nothing changed inside is not part of the render
                    if !changed && out.count == mark + 1 { out.removeLast() }
                } else if changed {
                    out.append(Entry(path: relative, node: node, changed: true))
                }
            }
        }
        walk(fs.root, before, "")
        return out
    }

    /// Writes `entries` (pre-order, their folders already made or among them) below `rootFD`.
    private static func write(_ entries: ArraySlice<Entry>, into rootFD: Int32) throws {
        for entry in entries {
            switch entry.node {
            case .file(let data, let mode, _, _):
                let fd = openat(rootFD, entry.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode_t(mode))
                guard fd >= 0 else { throw HostError(.io, "/" + entry.path, errnoText()) }
                var offset = 0
                while offset < data.count {
                    let n = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { close(fd); throw HostError(.io, "/" + entry.path, errnoText()) }
                    offset += n
                }
                close(fd)
            case .directory(let mode, _, _):
                if mkdirat(rootFD, entry.path, mode_t(mode | 0o700)) != 0 && errno != EEXIST {
                    throw HostError(.io, "/" + entry.path, errnoText())
                }
            case .symlink(let target):
                if symlinkat(target, rootFD, entry.path) != 0 && errno != EEXIST { throw HostError(.io, "/" + entry.path, errnoText()) }
            case .whiteout:
                continue
            }
        }
    }

    /// The last names of the paths `isInternal` matches.
    static let internalNames: Set<String> = ["bramble", "fake-systemd", "fake-installed"]

    /// Bramble's own state and the fakes' bookkeeping: not part of what a site gets.
    static func isInternal(_ path: String) -> Bool {
        ["/var/lib/bramble", "/run/fake-systemd"].contains { LogicalPath.isWithin(path, $0) }
            || path.hasSuffix("/var/lib/rpm/fake-installed") || path.hasSuffix("/var/lib/dpkg/fake-installed")
    }

    static func quote(_ word: String) -> String {
        word.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }) && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Removes folders on another thread; `wait` returns what went wrong, if anything.
public final class BackgroundRemoval: Sendable {
    public let paths: [String]
    private let done = DispatchSemaphore(value: 0)
    private let failure = Mutex<String?>(nil)

    init(_ paths: [String]) {
        self.paths = paths
        DispatchQueue.global().async { [self] in
            for path in paths {
                do { try TreeRemover.remove(path, shown: path) } catch { failure.withLock { $0 = $0 ?? "\(error)" } }
            }
            done.signal()
        }
    }

    public func wait() -> String? {
        done.wait()
        return failure.withLock { $0 }
    }
}
