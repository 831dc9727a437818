/// Reads audit logs back: the runs they hold, one run's records, and which run last changed a file.
public struct LogReader {
    public let files: [String]

    /// The logs of a host: the given file, else every *.jsonl under ROOT/var/log/bramble.
    public init(log: String?, root: String?) {
        if let log {
            files = [log]
        } else {
            let dir = LocalHost(root: root ?? "/").hostPath("/var/log/bramble")
            files = ((try? LocalHost().list(dir)) ?? []).filter { $0.hasSuffix(".jsonl") }.map { dir + "/" + $0 }
        }
    }

    public struct Run {
        public let id: String
        public let file: String
        public let start: JSON?
        public let end: JSON?
        public var records: [JSON]
        public var time: String { start?["ts"]?.stringValue ?? records.first?["ts"]?.stringValue ?? "" }
    }

    /// Every run in the logs, oldest first. A log that does not parse is an error naming its line.
    public func runs() throws -> [Run] {
        var byID: [String: Run] = [:]
        var order: [String] = []
        for file in files {
            for record in try AuditLog.read(path: file) {
                guard let id = record["run"]?.stringValue else { continue }
                if byID[id] == nil {
                    byID[id] = Run(id: id, file: file, start: nil, end: nil, records: [])
                    order.append(id)
                }
                byID[id]!.records.append(record)
            }
        }
        return order.compactMap { id in
            guard var run = byID[id] else { return nil }
            let start = run.records.first { $0["action"]?.stringValue == "start" }
            let end = run.records.last { $0["action"]?.stringValue == "end" }
            run = Run(id: run.id, file: run.file, start: start, end: end, records: run.records)
            return run
        }.sorted { $0.time < $1.time }
    }

    public struct Change {
        public let run: Run
        public let record: JSON
    }

    /// The last change to `path` (as named, or as resolved) in any run: for `bramble log --why`.
    public func lastChange(of path: String) throws -> Change? {
        let wanted = LogicalPath.normalize(path)
        for run in try runs().reversed() {
            for record in run.records.reversed() where record["status"]?.stringValue == "changed" {
                let named = record["path"]?.stringValue ?? ""
                let resolved = record["resolved"]?.stringValue ?? ""
                if named == wanted || resolved == wanted { return Change(run: run, record: record) }
            }
        }
        return nil
    }

    /// The diff a change made, rebuilt from the backup of the old content and the new content
    /// (the file itself while it still has that content, else the backup a later run kept of it).
    public static func diff(of change: Change, host: Host, backups: BackupStore = BackupStore()) -> String? {
        let record = change.record
        guard let path = record["resolved"]?.stringValue ?? record["path"]?.stringValue else { return nil }
        func content(_ hash: String?) -> [UInt8]? {
            guard let hash else { return nil }
            if let current = host.readIfPresent(path), Hashing.sha256(current) == hash { return current }
            return try? backups.content(of: hash, on: host)
        }
        let before = content(record["before"]?.stringValue)
        let after = content(record["after"]?.stringValue)
        if record["after"]?.stringValue != nil && after == nil { return nil }
        return UnifiedDiff.make(old: before, new: after, path: record["path"]?.stringValue ?? path)
    }
}
