/// An in-memory tree of files, directories and symlinks. The fake host is one of these; the plan
/// host keeps one as its copy-on-write layer over the real machine.
///
/// It is a tree of values: a folder's entries live in a dictionary keyed by name, so copying a
/// subtree (each node's /var) or taking a snapshot of the whole tree shares storage until one side
/// changes, and a lookup hashes short names instead of building and hashing whole paths.
public final class MemoryFileSystem {
    public enum Node: Equatable, Sendable {
        case file(data: [UInt8], mode: UInt32, uid: UInt32, gid: UInt32)
        case directory(mode: UInt32, uid: UInt32, gid: UInt32)
        case symlink(target: String)
        /// Only in an overlay: the path was removed, hiding what the layer below has.
        case whiteout
    }

    /// One path and what is below it. `node` is nil where the tree holds only something below the
    /// path (an overlay layer holds /etc/x without holding /etc).
    public struct Entry: Sendable {
        public var node: Node?
        public var children: [String: Entry] = [:]
    }

    /// How much a subtree holds (copy reports it).
    public struct Count: Equatable, Sendable {
        public var entries = 0
        public var files = 0
    }

    /// The whole tree; a copy of it is a snapshot that later changes do not touch.
    public private(set) var root: Entry

    public init(withRoot: Bool = true) {
        root = Entry(node: withRoot ? .directory(mode: 0o755, uid: 0, gid: 0) : nil)
    }

    public subscript(path: String) -> Node? { entry(path)?.node }

    /// The entry at `path`, if the tree has it (or something below it).
    public func entry(_ path: String) -> Entry? { descend(path) { _, _ in true } }

    /// Whether the walk to `path` passes through a symbolic link: any component, or all but the last.
    /// A missing component ends the walk (nothing below it can be a link).
    public func hasSymlink(in path: String, includingLast: Bool) -> Bool {
        var found = false
        _ = descend(path) { entry, isLast in
            if case .symlink? = entry.node, includingLast || !isLast { found = true }
            return !found
        }
        return found
    }

    /// Follows `path` down from the root, showing `visit` each entry on the way; nil at a missing
    /// component or when `visit` says stop. One pass over the bytes and no array of names: this runs
    /// for every path a run resolves.
    private func descend(_ path: String, _ visit: (_ entry: Entry, _ isLast: Bool) -> Bool) -> Entry? {
        var current = root
        let utf8 = path.utf8
        var start = utf8.startIndex
        var i = start
        while true {
            let atEnd = i == utf8.endIndex
            if atEnd || utf8[i] == UInt8(ascii: "/") {
                if i > start {
                    guard let next = current.children[String(path[start..<i])], visit(next, atEnd) else { return nil }
                    current = next
                }
                if atEnd { return current }
                start = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
    }

    public func set(_ path: String, _ node: Node) {
        modify(path) { entry in
            // a node changes, what is below it stays (setting a folder's mode keeps its files)
            if entry == nil { entry = Entry(node: node) } else { entry!.node = node }
        }
    }

    /// Puts a whole subtree at `path` (a snapshot of another path, say), replacing what was there.
    public func graft(_ path: String, _ subtree: Entry) {
        modify(path) { $0 = subtree }
    }

    /// Removes `path` and everything below it from this tree.
    public func drop(_ path: String) {
        if path == "/" { root = Entry(node: nil); return }
        modify(path) { $0 = nil }
    }

    /// The names in the folder at `path`, sorted.
    public func sortedChildNames(_ path: String) -> [String] { entry(path)?.children.keys.sorted() ?? [] }

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
        func walk(_ entry: Entry, _ path: String) {
            for name in entry.children.keys.sorted() {
                let child = LogicalPath.join(path, name)
                out.append(child)
                walk(entry.children[name]!, child)
            }
        }
        if let top = entry(root) { walk(top, root) }
        return out
    }

    /// The entries and files of a subtree, itself included.
    public static func count(_ entry: Entry) -> Count {
        var count = Count()
        func walk(_ e: Entry) {
            if e.node != nil { count.entries += 1 }
            if case .file? = e.node { count.files += 1 }
            for child in e.children.values { walk(child) }
        }
        walk(entry)
        return count
    }

    /// Makes `path` and its missing parents directories (fixtures and built-in fakes use this).
    public func ensureDirectory(_ path: String, mode: UInt32 = 0o755) {
        if path == "/" { return }
        if case .directory = self[path] { return }
        ensureDirectory(LogicalPath.parent(path))
        set(path, .directory(mode: mode, uid: 0, gid: 0))
    }

    /// Writes a file, creating missing parents (fixtures and built-in fakes use this).
    public func put(_ path: String, _ content: String, mode: UInt32 = 0o644) {
        ensureDirectory(LogicalPath.parent(path))
        set(path, .file(data: Array(content.utf8), mode: mode, uid: 0, gid: 0))
    }

    /// Changes the entry at `path` in place; folders on the way that the tree lacks are added as
    /// placeholders (no node), as the flat layers of an overlay need.
    private func modify(_ path: String, _ body: (inout Entry?) -> Void) {
        let names = MemoryFileSystem.names(path)
        if names.isEmpty {
            var top: Entry? = root
            body(&top)
            root = top ?? Entry(node: nil)
            return
        }
        MemoryFileSystem.modify(&root, names[...], body)
    }

    private static func modify(_ entry: inout Entry, _ names: ArraySlice<String>, _ body: (inout Entry?) -> Void) {
        let name = names.first!
        if names.count == 1 {
            body(&entry.children[name])
            return
        }
        if entry.children[name] == nil { entry.children[name] = Entry(node: nil) }
        modify(&entry.children[name]!, names.dropFirst(), body)
    }

    /// The components of an absolute path; '.' and '..' are not expected (paths arrive resolved).
    static func names(_ path: String) -> [String] { LogicalPath.components(path).map(String.init) }
}
