/// Puts back what one run changed, from its audit records and the backup store: files it wrote get
/// their old content and mode back, files and folders it created are removed, removed ones return.
/// Refuses (unless forced) when a file was changed again since that run, and names it.
public struct Undo {
    public struct Step: Equatable {
        public enum Kind: String { case restore, remove, removeIfEmpty = "remove-if-empty", mode, recreate, conflict, cannotUndo = "cannot-undo" }
        public let kind: Kind
        public let path: String
        public let detail: String
    }

    let host: Host
    let backups: BackupStore

    public init(host: Host, backups: BackupStore = BackupStore()) {
        self.host = host
        self.backups = backups
    }

    /// The records of `run` among `records` (a whole log may hold many runs).
    public static func records(of run: String, in records: [JSON]) -> [JSON] {
        records.filter { $0["run"]?.stringValue == run }
    }

    /// What undoing would do, newest change first. Conflicts are listed as such.
    public func plan(_ records: [JSON]) -> [Step] {
        var steps: [Step] = []
        for record in records.reversed() where record["status"]?.stringValue == "changed" {
            steps += stepsFor(record)
        }
        return steps
    }

    private func target(_ record: JSON) -> String? { record["resolved"]?.stringValue ?? record["path"]?.stringValue }

    private func currentHash(_ path: String) -> String? {
        guard host.info(path)?.kind == .file, let data = try? host.read(path) else { return nil }
        return Hashing.sha256(data)
    }

    private func stepsFor(_ record: JSON) -> [Step] {
        let action = record["action"]?.stringValue ?? ""
        guard let path = target(record) else {
            let what = record["unit"]?.stringValue.map { "unit " + $0 } ?? record["argv"].map { $0.serialized() } ?? record["packages"].map { $0.serialized() } ?? "?"
            return [Step(kind: .cannotUndo, path: what, detail: "\(action) ran a command; its effects are not undone")]
        }
        switch action {
        case "write_file", "template", "line_in_file", "exportfs", "dracut":
            return fileSteps(record, path)
        case "copy":
            if record["created"] != nil || record["replaced"] != nil { return treeSteps(record) }
            return fileSteps(record, path)
        case "directory":
            if case .array(let created)? = record["created"] {
                return created.reversed().compactMap { $0.stringValue }.map { Step(kind: .remove, path: $0, detail: "created by the run") }
            }
            if let before = record["mode_before"]?.stringValue { return [Step(kind: .mode, path: path, detail: before)] }
            return []
        case "symlink", "remove":
            var steps: [Step] = []
            if action == "symlink" { steps.append(Step(kind: .remove, path: path, detail: "symlink made by the run")) }
            steps += snapshotSteps(record, path)
            return steps
        default:
            return [Step(kind: .cannotUndo, path: path, detail: "\(action) ran a command; its effects are not undone")]
        }
    }

    private func fileSteps(_ record: JSON, _ path: String) -> [Step] {
        let after = record["after"]?.stringValue
        let now = currentHash(path)
        if let after, now != after {
            return [Step(kind: .conflict, path: path, detail: now == nil ? "removed since" : "changed since (now \(now!.prefix(19))…)")]
        }
        switch record["before"] {
        case .null?:
            // and the folders the write made for it, newest first, when nothing else came into them
            var steps = [Step(kind: .remove, path: path, detail: "created by the run")]
            if case .array(let dirs)? = record["created_dirs"] {
                steps += dirs.reversed().compactMap { $0.stringValue }.map { Step(kind: .removeIfEmpty, path: $0, detail: "folder made for it") }
            }
            return steps
        case .string(let hash)?:
            if hash == after, let mode = record["mode_before"]?.stringValue { return [Step(kind: .mode, path: path, detail: mode)] }
            return [Step(kind: .restore, path: path, detail: hash + " " + (record["mode_before"]?.stringValue ?? "644"))]
        default:
            return []
        }
    }

    private func snapshotSteps(_ record: JSON, _ path: String) -> [Step] {
        if case .array(let tree)? = record["before_tree"] {
            return tree.compactMap { entry -> Step? in
                guard let p = entry["path"]?.stringValue else { return nil }
                return Step(kind: .recreate, path: p, detail: entry.serialized())
            }
        }
        guard let kind = record["kind"]?.stringValue else { return [] }
        var entry: [(String, JSON)] = [("path", .string(path)), ("kind", .string(kind))]
        for key in ["mode_before", "backup", "link_before"] { if let v = record[key] { entry.append((key, v)) } }
        if let b = record["before"], kind == "file" { entry.append(("hash", b)) }
        return [Step(kind: .recreate, path: path, detail: JSON.object(entry).serialized())]
    }

    private func treeSteps(_ record: JSON) -> [Step] {
        var steps: [Step] = []
        if case .array(let created)? = record["created"] {
            steps += created.compactMap { $0.stringValue }.map { Step(kind: .remove, path: $0, detail: "created by the run") }
        }
        if case .array(let replaced)? = record["replaced"] {
            for r in replaced {
                if case .array(let tree)? = r["before_tree"] {
                    steps += tree.compactMap { e in e["path"]?.stringValue.map { Step(kind: .recreate, path: $0, detail: e.serialized()) } }
                } else if let p = r["path"]?.stringValue {
                    steps.append(Step(kind: .recreate, path: p, detail: r.serialized()))
                }
            }
        }
        return steps
    }

    /// Carries out `steps` (conflicts and commands are skipped; the caller refuses them unless forced).
    public func apply(_ steps: [Step]) throws -> [Step] {
        var done: [Step] = []
        for step in steps {
            switch step.kind {
            case .remove:
                if host.info(step.path) != nil { try host.remove(step.path) }
            case .removeIfEmpty:
                guard host.info(step.path)?.kind == .directory, try host.list(step.path).isEmpty else { continue }
                try host.remove(step.path)
            case .restore:
                let parts = step.detail.split(separator: " ")
                let data = try backups.content(of: String(parts[0]), on: host)
                try ensureParent(step.path)
                try host.write(step.path, data, mode: UInt32(parts.count > 1 ? String(parts[1]) : "644", radix: 8) ?? 0o644, uid: nil, gid: nil)
            case .mode:
                try host.setAttributes(step.path, mode: UInt32(step.detail, radix: 8), uid: nil, gid: nil)
            case .recreate:
                try recreate(JSON.parse(step.detail))
            case .conflict, .cannotUndo:
                continue
            }
            done.append(step)
        }
        return done
    }

    private func ensureParent(_ path: String) throws {
        let parent = LogicalPath.parent(path)
        if host.info(parent) != nil { return }
        try ensureParent(parent)
        try host.makeDirectory(parent, mode: 0o755)
    }

    private func recreate(_ entry: JSON) throws {
        guard let path = entry["path"]?.stringValue, let kind = entry["kind"]?.stringValue else { return }
        let mode = UInt32(entry["mode_before"]?.stringValue ?? "644", radix: 8) ?? 0o644
        try ensureParent(path)
        if let existing = host.info(path), existing.kind.rawValue != kind || kind != "directory" { try host.remove(path) }
        switch kind {
        case "file":
            guard let hash = entry["backup"]?.stringValue ?? entry["hash"]?.stringValue else { return }
            try host.write(path, try backups.content(of: hash, on: host), mode: mode, uid: nil, gid: nil)
        case "directory":
            if host.info(path) == nil { try host.makeDirectory(path, mode: mode) } else { try host.setAttributes(path, mode: mode, uid: nil, gid: nil) }
        case "symlink":
            if let target = entry["link_before"]?.stringValue { try host.makeSymlink(path, target: target) }
        default:
            break
        }
    }
}
