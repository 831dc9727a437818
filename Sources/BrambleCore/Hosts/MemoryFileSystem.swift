/// An in-memory tree of files, directories and symlinks, keyed by logical path. The fake host is
/// one of these; the plan host keeps one as its copy-on-write layer over the real machine.
public final class MemoryFileSystem {
    public enum Node: Equatable {
        case file(data: [UInt8], mode: UInt32, uid: UInt32, gid: UInt32)
        case directory(mode: UInt32, uid: UInt32, gid: UInt32)
        case symlink(target: String)
        /// Only in an overlay: the path was removed, hiding what the layer below has.
        case whiteout
    }

    public private(set) var nodes: [String: Node] = [:]
    /// Children per directory, so listing does not scan every node.
    private var children: [String: Set<String>] = [:]

    public init(withRoot: Bool = true) {
        if withRoot { nodes["/"] = .directory(mode: 0o755, uid: 0, gid: 0) }
    }

    public subscript(path: String) -> Node? { nodes[path] }

    public func set(_ path: String, _ node: Node) {
        nodes[path] = node
        if path != "/" { children[LogicalPath.parent(path), default: []].insert(LogicalPath.name(path)) }
    }

    /// Removes `path` and everything below it from this tree.
    public func drop(_ path: String) {
        if let names = children[path] {
            for name in names { drop(LogicalPath.join(path, name)) }
            children[path] = nil
        }
        nodes[path] = nil
        if path != "/" { children[LogicalPath.parent(path)]?.remove(LogicalPath.name(path)) }
    }

    public func childNames(_ path: String) -> Set<String> { children[path] ?? [] }

    public static func info(of node: Node) -> FileInfo? {
        switch node {
        case .file(let data, let mode, let uid, let gid): return FileInfo(kind: .file, mode: mode, uid: uid, gid: gid, size: data.count)
        case .directory(let mode, let uid, let gid): return FileInfo(kind: .directory, mode: mode, uid: uid, gid: gid)
        case .symlink(let target): return FileInfo(kind: .symlink, mode: 0o777, size: target.utf8.count)
        case .whiteout: return nil
        }
    }

    /// Every path below `root` (not `root` itself), sorted.
    public func paths(under root: String) -> [String] {
        var out: [String] = []
        func walk(_ p: String) {
            for name in childNames(p).sorted() {
                let child = LogicalPath.join(p, name)
                out.append(child)
                walk(child)
            }
        }
        walk(root)
        return out
    }

    /// Makes `path` and its missing parents directories (fixtures and built-in fakes use this).
    public func ensureDirectory(_ path: String, mode: UInt32 = 0o755) {
        if path == "/" { return }
        if case .directory = nodes[path] { return }
        ensureDirectory(LogicalPath.parent(path))
        set(path, .directory(mode: mode, uid: 0, gid: 0))
    }

    /// Writes a file, creating missing parents (fixtures and built-in fakes use this).
    public func put(_ path: String, _ content: String, mode: UInt32 = 0o644) {
        ensureDirectory(LogicalPath.parent(path))
        set(path, .file(data: Array(content.utf8), mode: mode, uid: 0, gid: 0))
    }
}
