#if canImport(Glibc)
import Glibc
#endif

/// Removes a real folder and everything in it, relative to open folder descriptors: each entry costs
/// one unlinkat(2) instead of an lstat and a path walk from '/', and a symlink is removed, never followed.
enum TreeRemover {
    /// Removes `path` (a folder, a file or a link). `shown` is the logical path errors name.
    static func remove(_ path: String, shown: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            // not a folder (or a link to one): one unlink does it
            if errno == ENOTDIR || errno == ELOOP {
                guard unlink(path) == 0 else { throw HostError(.io, shown, errnoText()) }
                return
            }
            throw HostError(errno == ENOENT ? .notFound : .io, shown, errnoText())
        }
        try removeContents(of: fd, shown: shown)
        guard rmdir(path) == 0 else { throw HostError(.io, shown, errnoText()) }
    }

    /// Empties the folder open as `fd`, and closes it.
    private static func removeContents(of fd: Int32, shown: String) throws {
        guard let dir = fdopendir(fd) else {
            close(fd)
            throw HostError(.io, shown, errnoText())
        }
        defer { closedir(dir) }
        var names: [(String, Bool)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name == "." || name == ".." { continue }
            var isDirectory = Int32(entry.pointee.d_type) == DT_DIR
            if Int32(entry.pointee.d_type) == DT_UNKNOWN {
                var st = stat()
                isDirectory = fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_mode & S_IFMT == S_IFDIR
            }
            names.append((name, isDirectory))
        }
        for (name, isDirectory) in names {
            let child = LogicalPath.join(shown, name)
            if isDirectory {
                let childFD = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard childFD >= 0 else { throw HostError(.io, child, errnoText()) }
                try removeContents(of: childFD, shown: child)
                guard unlinkat(fd, name, AT_REMOVEDIR) == 0 else { throw HostError(.io, child, errnoText()) }
            } else {
                guard unlinkat(fd, name, 0) == 0 else { throw HostError(.io, child, errnoText()) }
            }
        }
    }
}
