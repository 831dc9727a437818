#if canImport(Glibc)
import Glibc
#endif

/// The real machine. With a root folder every logical path maps under it (`--root DIR`), so a whole
/// head node can be staged into a folder; commands still run on the machine and get real paths.
public final class LocalHost: Host {
    public let kind = HostKind.local
    /// The real folder that stands for '/', without a trailing slash ("" for the real root).
    public let root: String
    /// Called while a command runs: its argv, seconds so far and last output line (progress display).
    public var onCommandProgress: (([String], Double, String) -> Void)?
    /// Called when a command has ended (to clear a progress line).
    public var onCommandEnd: (() -> Void)?
    /// Whether writes are made crash-safe (temp file, fsync, rename, fsync of the folder). Only a
    /// throwaway output such as a render folder turns this off.
    public let durable: Bool

    public init(root: String = "/", durable: Bool = true) {
        let normalized = LogicalPath.normalize(root)
        self.root = normalized == "/" ? "" : normalized
        self.durable = durable
    }

    public func hostPath(_ path: String) -> String { root + (path == "/" && !root.isEmpty ? "" : path) }

    public func info(_ path: String) -> FileInfo? {
        var st = stat()
        guard lstat(hostPath(path), &st) == 0 else { return nil }
        let kind: FileKind
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .file
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        default: kind = .other
        }
        return FileInfo(kind: kind, mode: UInt32(st.st_mode) & 0o7777, uid: st.st_uid, gid: st.st_gid, size: Int(st.st_size))
    }

    public func read(_ path: String) throws -> [UInt8] {
        let fd = open(hostPath(path), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw error(path) }
        defer { close(fd) }
        var st = stat()
        fstat(fd, &st)
        if st.st_mode & S_IFMT == S_IFDIR { throw HostError(.isDirectory, path) }
        var data = [UInt8]()
        data.reserveCapacity(Int(st.st_size))
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw error(path) }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return data
    }

    public func readLink(_ path: String) throws -> String {
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlink(hostPath(path), &buffer, 4096)
        guard n >= 0 else { throw error(path) }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func list(_ path: String) throws -> [String] {
        guard let dir = opendir(hostPath(path)) else { throw error(path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    public func write(_ path: String, _ data: [UInt8], mode: UInt32, uid: UInt32?, gid: UInt32?) throws {
        let target = hostPath(path)
        if !durable {
            let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode_t(mode))
            guard fd >= 0 else { throw error(path) }
            defer { close(fd) }
            let n = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard n == data.count else { throw error(path) }
            return
        }
        let dir = LogicalPath.parent(target)
        let temp = dir + "/." + LogicalPath.name(target) + ".bramble-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw error(path) }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(temp) }
        }
        var offset = 0
        while offset < data.count {
            let n = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 { if errno == EINTR { continue }; throw error(path) }
            offset += n
        }
        if uid != nil || gid != nil {
            guard fchown(fd, uid ?? UInt32.max, gid ?? UInt32.max) == 0 else { throw error(path) }
        }
        guard fchmod(fd, mode_t(mode)) == 0, fsync(fd) == 0 else { throw error(path) }
        guard rename(temp, target) == 0 else { throw error(path) }
        ok = true
        syncDirectory(dir)
    }

    private func syncDirectory(_ dir: String) {
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    public func makeDirectory(_ path: String, mode: UInt32) throws {
        guard mkdir(hostPath(path), mode_t(mode)) == 0 else { throw error(path) }
        // mkdir's mode is filtered by the umask: set it exactly
        chmod(hostPath(path), mode_t(mode))
    }

    public func makeSymlink(_ path: String, target: String) throws {
        guard symlink(target, hostPath(path)) == 0 else { throw error(path) }
    }

    public func remove(_ path: String) throws {
        guard info(path) != nil else { throw HostError(.notFound, path) }
        try TreeRemover.remove(hostPath(path), shown: path)
    }

    public func setAttributes(_ path: String, mode: UInt32?, uid: UInt32?, gid: UInt32?) throws {
        let real = hostPath(path)
        if uid != nil || gid != nil {
            guard lchown(real, uid ?? UInt32.max, gid ?? UInt32.max) == 0 else { throw error(path) }
        }
        if let mode { guard chmod(real, mode_t(mode)) == 0 else { throw error(path) } }
    }

    public func execute(_ command: CommandSpec) throws -> CommandResult {
        defer { onCommandEnd?() }
        let progress = onCommandProgress.map { report in { (elapsed: Double, line: String) in report(command.argv, elapsed, line) } }
        guard let imageRoot = command.chroot else { return try ProcessRunner.run(command, progress: progress) }
        let realRoot = hostPath(imageRoot)
        var mounted: [String] = []
        // unbound after the command, also when it fails or cannot start
        defer { for target in mounted.reversed() { umount2(target, Int32(MNT_DETACH)) } }
        for fs in ["/proc", "/sys", "/dev"] {
            let target = realRoot + fs
            var st = stat()
            if lstat(target, &st) != 0 { mkdir(target, 0o755) } else if st.st_mode & S_IFMT != S_IFDIR {
                throw HostError(.command, imageRoot + fs, "is not a directory; refusing to bind \(fs) there")
            }
            guard mount(fs, target, nil, UInt(MS_BIND | MS_REC), nil) == 0 else {
                throw HostError(.command, imageRoot + fs, "cannot bind \(fs): \(errnoText())")
            }
            mounted.append(target)
            // keep unmounts inside the image from propagating back to the head's own /dev, /sys
            mount(nil, target, nil, UInt(MS_SLAVE | MS_REC), nil)
        }
        var spec = command
        spec.argv = ["chroot", realRoot] + command.argv
        spec.chroot = nil
        return try ProcessRunner.run(spec, progress: progress)
    }

    public func userID(_ name: String) -> UInt32? {
        if root.isEmpty { return getpwnam(name).map { $0.pointee.pw_uid } }
        return idInDatabase("/etc/passwd", name)
    }

    public func groupID(_ name: String) -> UInt32? {
        if root.isEmpty { return getgrnam(name).map { $0.pointee.gr_gid } }
        return idInDatabase("/etc/group", name)
    }

    public func hasProgram(_ program: String) -> Bool {
        program.contains("/") ? access(program, X_OK) == 0 : ProcessRunner.findProgram(program) != nil
    }

    private func error(_ path: String, _ code: Int32 = errno) -> HostError {
        switch code {
        case ENOENT: return HostError(.notFound, path)
        case ENOTDIR: return HostError(.notDirectory, path)
        case EISDIR: return HostError(.isDirectory, path)
        case EEXIST: return HostError(.exists, path)
        case ELOOP: return HostError(.loop, path)
        default: return HostError(.io, path, errnoText(code))
        }
    }
}
