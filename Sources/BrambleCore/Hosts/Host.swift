/// What a path names on a host.
public enum FileKind: String, Sendable {
    case file, directory, symlink, other
}

public struct FileInfo: Sendable, Equatable {
    public var kind: FileKind
    /// Permission bits (07777).
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    public var size: Int

    public init(kind: FileKind, mode: UInt32, uid: UInt32 = 0, gid: UInt32 = 0, size: Int = 0) {
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.size = size
    }
}

public enum HostKind: String, Sendable {
    case local, plan, fake
}

/// A command to run: an argv array, never a shell line.
public struct CommandSpec: Sendable, Equatable {
    public var argv: [String]
    public var environment: [String: String]
    public var workingDirectory: String?
    public var standardInput: [UInt8]?
    /// Seconds; 0: none.
    public var timeout: Double
    /// Run inside this image root (a logical path), with /proc, /sys and /dev bound for the command's life.
    public var chroot: String?

    public init(argv: [String], environment: [String: String] = [:], workingDirectory: String? = nil,
                standardInput: [UInt8]? = nil, timeout: Double = 0, chroot: String? = nil) {
        self.argv = argv
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.standardInput = standardInput
        self.timeout = timeout
        self.chroot = chroot
    }
}

public struct CommandResult: Sendable, Equatable {
    public var exitCode: Int32
    public var standardOutput: [UInt8]
    public var standardError: [UInt8]
    public var timedOut: Bool

    public init(exitCode: Int32, standardOutput: [UInt8] = [], standardError: [UInt8] = [], timedOut: Bool = false) {
        self.exitCode = exitCode
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.timedOut = timedOut
    }

    public var stdoutText: String { String(decoding: standardOutput, as: UTF8.self) }
    public var stderrText: String { String(decoding: standardError, as: UTF8.self) }
}

public struct HostError: Error, CustomStringConvertible, Equatable {
    public enum Code: Sendable { case notFound, notDirectory, isDirectory, exists, loop, io, unsupported, command }
    public let code: Code
    public let path: String
    public let detail: String

    public init(_ code: Code, _ path: String, _ detail: String = "") {
        self.code = code
        self.path = path
        self.detail = detail
    }

    public var description: String {
        switch code {
        case .notFound: return "\(path): no such file or directory"
        case .notDirectory: return "\(path): a component is not a directory"
        case .isDirectory: return "\(path): is a directory"
        case .exists: return "\(path): already exists"
        case .loop: return "\(path): too many levels of symbolic links"
        case .io, .unsupported, .command: return detail.isEmpty ? path : "\(path): \(detail)"
        }
    }
}

/// One machine, real or not. Paths are logical absolute paths as a script names them, already
/// resolved by `PathResolver` (no symlink in any directory component). A host never checks policy:
/// `Session` does that before any call that changes something.
public protocol Host: AnyObject {
    var kind: HostKind { get }
    /// lstat: the path itself, not what a final symlink points to. nil when it does not exist.
    func info(_ path: String) -> FileInfo?
    func read(_ path: String) throws -> [UInt8]
    func readLink(_ path: String) throws -> String
    /// Entry names, sorted.
    func list(_ path: String) throws -> [String]
    /// Atomic: a reader sees the old content or the new, never a part.
    func write(_ path: String, _ data: [UInt8], mode: UInt32, uid: UInt32?, gid: UInt32?) throws
    /// One level; the parent must exist.
    func makeDirectory(_ path: String, mode: UInt32) throws
    func makeSymlink(_ path: String, target: String) throws
    /// Removes a file, a symlink or a whole tree.
    func remove(_ path: String) throws
    func setAttributes(_ path: String, mode: UInt32?, uid: UInt32?, gid: UInt32?) throws
    func execute(_ command: CommandSpec) throws -> CommandResult
    /// Where a logical path lives for programs run on the real machine (`--root` applied).
    func hostPath(_ path: String) -> String
    func userID(_ name: String) -> UInt32?
    func groupID(_ name: String) -> UInt32?
    /// Whether `program` could be run (found on PATH or as given).
    func hasProgram(_ program: String) -> Bool
}

/// A host that can copy a whole tree in one step rather than entry by entry (the fake host: the
/// copy of each node's /var, thousands of them, is what a render of a large site spends most on).
public protocol TreeCloning: Host {
    /// Copies the tree at `src` to `dest` (which must not exist; its parent must), keeping modes,
    /// owners and links, and says how much it copied.
    func cloneTree(_ src: String, to dest: String) throws -> MemoryFileSystem.Count
}

/// A host that can tell in one walk whether a path passes through a symbolic link (the fake host's
/// tree answers without an lstat of each prefix), so resolving the usual link-free path is one lookup.
public protocol LinkAwareHost: Host {
    /// Whether a component of `path` (all of them, or all but the last) exists and is a symbolic link.
    func hasSymlink(in path: String, includingLast: Bool) -> Bool
}

extension Host {
    public func exists(_ path: String) -> Bool { info(path) != nil }

    /// The id of `name` in a passwd- or group-style file of this host (a staged or fake tree has its own).
    public func idInDatabase(_ file: String, _ name: String) -> UInt32? {
        guard let data = readIfPresent(file) else { return nil }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let f = line.split(separator: ":", omittingEmptySubsequences: false)
            if f.count > 2, f[0] == name { return UInt32(f[2]) }
        }
        return nil
    }

    /// Reads a text file, or nil when it does not exist.
    public func readIfPresent(_ path: String) -> [UInt8]? {
        guard let i = info(path), i.kind == .file else { return nil }
        return try? read(path)
    }
}

/// Path text helpers: logical paths are absolute, '/'-separated, without trailing slashes.
public enum LogicalPath {
    public static func components(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    // on the UTF-8 view: these run for every entry of every tree a run touches
    public static func parent(_ path: String) -> String {
        let utf8 = path.utf8
        guard let slash = utf8.lastIndex(of: UInt8(ascii: "/")), utf8.count > 1 else { return "/" }
        if slash == utf8.startIndex { return "/" }
        return String(path[..<slash])
    }

    public static func name(_ path: String) -> String {
        let utf8 = path.utf8
        guard let slash = utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[utf8.index(after: slash)...])
    }

    public static func join(_ base: String, _ name: String) -> String {
        base == "/" ? "/" + name : base + "/" + name
    }

    /// Whether one of the components of `path` is `name`, without splitting the path (it runs for every read).
    public static func hasComponent(_ path: String, _ name: String) -> Bool {
        let utf8 = path.utf8, wanted = name.utf8
        var start = utf8.startIndex
        while start < utf8.endIndex {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "/")) ?? utf8.endIndex
            if utf8[start..<end].elementsEqual(wanted) { return true }
            if end == utf8.endIndex { break }
            start = utf8.index(after: end)
        }
        return false
    }

    /// Whether `path` is absolute and already in the form `normalize` gives: no empty, '.' or '..'
    /// component and no trailing '/' ("/" itself is clean).
    public static func isClean(_ path: String) -> Bool {
        let utf8 = path.utf8
        guard utf8.first == UInt8(ascii: "/") else { return false }
        if utf8.count == 1 { return true }
        var length = -1  // bytes in the current component; -1 before the leading '/'
        var dots = 0
        for b in utf8 {
            if b == UInt8(ascii: "/") {
                if length == 0 || (length > 0 && length == dots && dots <= 2) { return false }
                length = 0
                dots = 0
            } else {
                length += 1
                if b == UInt8(ascii: ".") { dots += 1 }
            }
        }
        return length > 0 && !(length == dots && dots <= 2)
    }

    /// Whether `path` is `root` or inside it.
    public static func isWithin(_ path: String, _ root: String) -> Bool {
        if root == "/" { return true }
        return path == root || (path.hasPrefix(root) && path.utf8.dropFirst(root.utf8.count).first == UInt8(ascii: "/"))
    }

    /// Lexical clean-up of an absolute path: collapses '//' and '.', resolves '..' without climbing above '/'.
    public static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for c in components(path) {
            if c == "." { continue }
            if c == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }
}
