/// The plan host: reads the real machine (or any host), writes into an in-memory layer, so a later
/// step sees what an earlier step would have made, and nothing real changes. Commands are not run;
/// actions ask `runsCommands` and report such a command as "unknown" unless its effects are declared.
/// Paths that an unknown command may have changed are remembered, so that reading them later gives
/// "unknown" rather than a false failure.
public final class OverlayHost: Host {
    public let kind = HostKind.plan
    public let base: Host
    let layer = MemoryFileSystem(withRoot: false)
    /// Subtrees whose content depends on a command that was not run.
    public private(set) var unknownRoots: [String] = []

    public init(base: Host) { self.base = base }

    public func markUnknown(_ path: String) {
        if !unknownRoots.contains(where: { LogicalPath.isWithin(path, $0) }) { unknownRoots.append(path) }
    }

    public func isUnknown(_ path: String) -> Bool { unknownRoots.contains { LogicalPath.isWithin(path, $0) } }

    /// The layer's node for `path`, or whiteout when an ancestor was removed or replaced in the layer.
    /// The nearest ancestor the layer has a node for decides: a folder lets the base show through.
    private func layered(_ path: String) -> MemoryFileSystem.Node? {
        var current = layer.root
        var hidden = false
        for name in MemoryFileSystem.names(path) {
            if let node = current.node {
                if case .directory = node { hidden = false } else { hidden = true }
            }
            guard let next = current.children[name] else { return hidden ? .whiteout : nil }
            current = next
        }
        return current.node ?? (hidden ? .whiteout : nil)
    }

    public func info(_ path: String) -> FileInfo? {
        if let node = layered(path) { return MemoryFileSystem.info(of: node) }
        return base.info(path)
    }

    public func read(_ path: String) throws -> [UInt8] {
        switch layered(path) {
        case .file(let data, _, _, _)?: return data
        case .directory?: throw HostError(.isDirectory, path)
        case .symlink?, .whiteout?: throw HostError(.notFound, path)
        case nil: return try base.read(path)
        }
    }

    public func readLink(_ path: String) throws -> String {
        switch layered(path) {
        case .symlink(let target)?: return target
        case nil: return try base.readLink(path)
        default: throw HostError(.io, path, "not a symbolic link")
        }
    }

    public func list(_ path: String) throws -> [String] {
        var names = Set<String>()
        switch layered(path) {
        case .directory?:
            if base.info(path)?.kind == .directory { names.formUnion((try? base.list(path)) ?? []) }
        case nil: names.formUnion(try base.list(path))
        default: throw HostError(.notFound, path)
        }
        // a child without a node only leads to something deeper: the base has it, or not
        for (name, child) in layer.entry(path)?.children ?? [:] {
            switch child.node {
            case .whiteout?: names.remove(name)
            case nil: continue
            default: names.insert(name)
            }
        }
        return names.sorted()
    }

    public func write(_ path: String, _ data: [UInt8], mode: UInt32, uid: UInt32?, gid: UInt32?) throws {
        let old = info(path)
        layer.set(path, .file(data: data, mode: mode, uid: uid ?? old?.uid ?? 0, gid: gid ?? old?.gid ?? 0))
    }

    public func makeDirectory(_ path: String, mode: UInt32) throws {
        if info(path) != nil { throw HostError(.exists, path) }
        layer.set(path, .directory(mode: mode, uid: 0, gid: 0))
    }

    public func makeSymlink(_ path: String, target: String) throws {
        if info(path) != nil { throw HostError(.exists, path) }
        layer.set(path, .symlink(target: target))
    }

    public func remove(_ path: String) throws {
        guard info(path) != nil else { throw HostError(.notFound, path) }
        layer.drop(path)
        layer.set(path, .whiteout)
    }

    public func setAttributes(_ path: String, mode: UInt32?, uid: UInt32?, gid: UInt32?) throws {
        guard let current = info(path) else { throw HostError(.notFound, path) }
        switch current.kind {
        case .file:
            let data = try read(path)
            layer.set(path, .file(data: data, mode: mode ?? current.mode, uid: uid ?? current.uid, gid: gid ?? current.gid))
        case .directory:
            // keep the base's children visible: a layered directory node merges with the base listing
            layer.set(path, .directory(mode: mode ?? current.mode, uid: uid ?? current.uid, gid: gid ?? current.gid))
        default: break
        }
    }

    /// The plan host never runs a command that changes anything; `Session` runs read-only probes
    /// directly on `base`.
    public func execute(_ command: CommandSpec) throws -> CommandResult {
        throw HostError(.unsupported, command.argv.first ?? "", "the plan host does not run commands")
    }

    public func hostPath(_ path: String) -> String { base.hostPath(path) }
    public func userID(_ name: String) -> UInt32? { base.userID(name) }
    public func groupID(_ name: String) -> UInt32? { base.groupID(name) }
    public func hasProgram(_ program: String) -> Bool { base.hasProgram(program) }
}

