/// A machine that exists only in memory: files seeded from a fixture, and commands that fail
/// closed. A command is answered by a scripted stub (exact argv) or by a built-in fake that acts
/// like the real tool on the fake filesystem; anything else is an error that prints the stub to add.
public final class FakeHost: Host, TreeCloning, LinkAwareHost {
    public let kind = HostKind.fake
    public let fs: MemoryFileSystem
    /// Scripted answers, keyed by the argv joined with single spaces.
    public var stubs: [String: CommandResult] = [:]
    /// Every command run, in order (for specs: argv, and the image root for chrooted ones).
    public private(set) var commands: [CommandSpec] = []
    public var builtins: FakeTools

    public init(fs: MemoryFileSystem = MemoryFileSystem()) {
        self.fs = fs
        self.builtins = FakeTools()
    }

    /// A fake host seeded from a fixture folder on the real machine (file modes kept).
    public static func seeded(fromFolder folder: String) throws -> FakeHost {
        let source = LocalHost(root: folder)
        guard source.info("/")?.kind == .directory else {
            throw HostError(.notFound, folder, "fixture folder not found")
        }
        let fs = MemoryFileSystem()
        func copy(_ path: String) throws {
            for name in try source.list(path) where name != ".keep" {
                let child = LogicalPath.join(path, name)
                guard let i = source.info(child) else { continue }
                switch i.kind {
                case .directory:
                    fs.set(child, .directory(mode: i.mode, uid: 0, gid: 0))
                    try copy(child)
                case .file: fs.set(child, .file(data: try source.read(child), mode: i.mode, uid: 0, gid: 0))
                case .symlink: fs.set(child, .symlink(target: try source.readLink(child)))
                case .other: break
                }
            }
        }
        try copy("/")
        return FakeHost(fs: fs)
    }

    public func info(_ path: String) -> FileInfo? { fs[path].flatMap(MemoryFileSystem.info(of:)) }

    public func read(_ path: String) throws -> [UInt8] {
        switch fs[path] {
        case .file(let data, _, _, _)?: return data
        case .directory?: throw HostError(.isDirectory, path)
        default: throw HostError(.notFound, path)
        }
    }

    public func readLink(_ path: String) throws -> String {
        guard case .symlink(let target)? = fs[path] else { throw HostError(.io, path, "not a symbolic link") }
        return target
    }

    public func list(_ path: String) throws -> [String] {
        guard case .directory? = fs[path] else { throw HostError(.notFound, path) }
        return fs.sortedChildNames(path)
    }

    public func hasSymlink(in path: String, includingLast: Bool) -> Bool { fs.hasSymlink(in: path, includingLast: includingLast) }

    /// A copy shares the source's storage until either side changes: one step, however big the tree.
    public func cloneTree(_ src: String, to dest: String) throws -> MemoryFileSystem.Count {
        guard let tree = fs.entry(src), tree.node != nil else { throw HostError(.notFound, src) }
        try requireParent(dest)
        if fs[dest] != nil { throw HostError(.exists, dest) }
        fs.graft(dest, tree)
        return MemoryFileSystem.count(tree)
    }

    private func requireParent(_ path: String) throws {
        guard case .directory? = fs[LogicalPath.parent(path)] else {
            throw HostError(fs[LogicalPath.parent(path)] == nil ? .notFound : .notDirectory, LogicalPath.parent(path))
        }
    }

    public func write(_ path: String, _ data: [UInt8], mode: UInt32, uid: UInt32?, gid: UInt32?) throws {
        try requireParent(path)
        if case .directory? = fs[path] { throw HostError(.isDirectory, path) }
        let old = info(path)
        fs.set(path, .file(data: data, mode: mode, uid: uid ?? old?.uid ?? 0, gid: gid ?? old?.gid ?? 0))
    }

    public func makeDirectory(_ path: String, mode: UInt32) throws {
        try requireParent(path)
        if fs[path] != nil { throw HostError(.exists, path) }
        fs.set(path, .directory(mode: mode, uid: 0, gid: 0))
    }

    public func makeSymlink(_ path: String, target: String) throws {
        try requireParent(path)
        if fs[path] != nil { throw HostError(.exists, path) }
        fs.set(path, .symlink(target: target))
    }

    public func remove(_ path: String) throws {
        guard fs[path] != nil else { throw HostError(.notFound, path) }
        fs.drop(path)
    }

    public func setAttributes(_ path: String, mode: UInt32?, uid: UInt32?, gid: UInt32?) throws {
        switch fs[path] {
        case .file(let data, let m, let u, let g)?: fs.set(path, .file(data: data, mode: mode ?? m, uid: uid ?? u, gid: gid ?? g))
        case .directory(let m, let u, let g)?: fs.set(path, .directory(mode: mode ?? m, uid: uid ?? u, gid: gid ?? g))
        case .symlink?: break
        default: throw HostError(.notFound, path)
        }
    }

    public func execute(_ command: CommandSpec) throws -> CommandResult {
        commands.append(command)
        let key = command.argv.joined(separator: " ")
        if let stub = stubs[key] { return stub }
        if let result = try builtins.run(command, on: self) { return result }
        throw HostError(.command, command.argv.first ?? "", FakeHost.missingStubMessage(command))
    }

    static func missingStubMessage(_ command: CommandSpec) -> String {
        let key = command.argv.joined(separator: " ").replacingOccurrences(of: "\"", with: "\\\"")
        let where_ = command.chroot.map { " (inside chroot \($0))" } ?? ""
        return "unexpected command on the fake host\(where_): \(command.argv)\n"
            + "  script it in the spec: commands = { [\"\(key)\"] = { exit = 0, stdout = \"\" } }"
    }

    public func hostPath(_ path: String) -> String { path }
    public func userID(_ name: String) -> UInt32? { idInDatabase("/etc/passwd", name) ?? (name == "root" ? 0 : nil) }
    public func groupID(_ name: String) -> UInt32? { idInDatabase("/etc/group", name) ?? (name == "root" ? 0 : nil) }
    public func hasProgram(_ program: String) -> Bool { true }
}
