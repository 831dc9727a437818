/// Keeps the content of every file a run overwrites or removes, addressed by its SHA-256, under the
/// host's state folder (so under `--root` it lives in the staged tree). `undo` restores from here.
public struct BackupStore {
    public static let defaultFolder = "/var/lib/bramble/backups"
    public let folder: String

    public init(folder: String = BackupStore.defaultFolder) { self.folder = folder }

    /// Stores `data` (once per content) and returns its hash, as named in audit records.
    @discardableResult
    public func keep(_ data: [UInt8], on host: Host) throws -> String {
        let hash = Hashing.sha256(data)
        let path = location(of: hash)
        if host.info(path) == nil {
            try ensureFolder(LogicalPath.parent(path), on: host)
            try host.write(path, data, mode: 0o600, uid: nil, gid: nil)
        }
        return hash
    }

    public func location(of hash: String) -> String {
        let hex = hash.hasPrefix("sha256:") ? String(hash.dropFirst(7)) : hash
        return folder + "/" + String(hex.prefix(2)) + "/" + hex
    }

    public func content(of hash: String, on host: Host) throws -> [UInt8] {
        try host.read(location(of: hash))
    }

    private func ensureFolder(_ path: String, on host: Host) throws {
        if host.info(path)?.kind == .directory { return }
        try ensureFolder(LogicalPath.parent(path), on: host)
        try host.makeDirectory(path, mode: 0o700)
    }
}
