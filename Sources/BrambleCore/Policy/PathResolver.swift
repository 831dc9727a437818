/// Resolves a path component by component through symlinks, the way the kernel would inside a
/// chroot: '..' never climbs above the boundary, and an absolute symlink target restarts at the
/// boundary. The boundary is the host's '/' (which is `--root` on a rooted local host), or, once
/// the walk enters a declared image root, that image root — so a symlink inside a node image can
/// never redirect a write onto the head node's own files.
public struct PathResolver {
    public static let maxSymlinks = 40

    /// Image roots as resolved logical paths (component arrays), longest first.
    let imageRoots: [[Substring]]

    public init(imageRoots: [String] = []) {
        self.imageRoots = imageRoots.map { LogicalPath.components($0) }.sorted { $0.count > $1.count }
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case notAbsolute(String)
        case loop(String)
        case invalid(String, String)

        public var description: String {
            switch self {
            case .notAbsolute(let p): return "path '\(p)' must be absolute"
            case .loop(let p): return "path '\(p)': too many levels of symbolic links"
            case .invalid(let p, let why): return "path '\(p)': \(why)"
            }
        }
    }

    /// The resolved logical path. With `followFinal` false the last component is not followed
    /// (for acting on a symlink itself: creating, removing, reading its target).
    public func resolve(_ path: String, on host: Host, followFinal: Bool = true) throws -> String {
        guard path.hasPrefix("/") else { throw Failure.notAbsolute(path) }
        if path.utf8.contains(0) { throw Failure.invalid(path, "contains a NUL byte") }
        // the usual case, a clean path through no link, is its own answer: image roots only change
        // where '..' and absolute link targets lead
        if let walker = host as? LinkAwareHost, LogicalPath.isClean(path), !walker.hasSymlink(in: path, includingLast: followFinal) {
            return path
        }
        var resolved: [Substring] = []
        var pending: [Substring] = LogicalPath.components(path).reversed()
        var boundary = 0
        var links = 0
        var existing = true  // once a component is missing, the rest cannot be symlinks
        while let component = pending.popLast() {
            if component == "." { continue }
            if component == ".." {
                if resolved.count > boundary { resolved.removeLast() }
                continue
            }
            resolved.append(component)
            if boundary == 0, let root = imageRoots.first(where: { $0 == resolved }) {
                boundary = root.count
            }
            guard existing, followFinal || !pending.isEmpty else { continue }
            let current = Self.text(resolved)
            guard let info = host.info(current) else {
                existing = false
                continue
            }
            guard info.kind == .symlink else { continue }
            links += 1
            if links > Self.maxSymlinks { throw Failure.loop(path) }
            let target = try host.readLink(current)
            resolved.removeLast()
            if target.hasPrefix("/") { resolved.removeSubrange(boundary...) }
            pending.append(contentsOf: LogicalPath.components(target).reversed())
        }
        return Self.text(resolved)
    }

    /// "/a/b/c" from its components, built in one buffer.
    static func text(_ components: [Substring]) -> String {
        if components.isEmpty { return "/" }
        var length = 0
        for c in components { length += c.utf8.count + 1 }
        var out = ""
        out.reserveCapacity(length)
        for c in components {
            out.append("/")
            out.append(contentsOf: c)
        }
        return out
    }
}
