import CLua
import LuaKit

public enum WriteFile: Primitive {
    public static let name = "write_file"
    public static let summary = "ensure a file has this content, mode and owner (atomic, backed up, optionally validated)"
    public static let parameters = ["path", "content", "mode", "owner", "group", "validate"]

    public static func perform(_ args: Arguments, in session: Session) throws -> ActionOutcome {
        let path = try args.path("path")
        let data = try args.bytes("content")
        let mode = try args.mode()
        let owner = try args.owner(on: session.host)
        let validate = try args.stringList("validate")
        return try FileOps(session: session, action: name)
            .ensureFile(path, data: data, mode: mode, uid: owner.uid, gid: owner.gid, validate: validate.isEmpty ? nil : validate)
    }
}

public enum Template: Primitive {
    public static let name = "template"
    public static let summary = "render a Mustache template (text, no HTML escaping) into a file; a missing value is an error"
    public static let parameters = ["path", "template", "source", "values", "mode", "owner", "group", "validate"]

    /// Of `values`, only the names the template uses are converted: the values every template gets
    /// include the site's nodes, thousands of tables most templates never read.
    public static func convert(_ stack: LuaStack, in session: Session) throws -> LuaTable {
        var table = try stack.tableArgument(1, function: name, leavingOut: ["values"])
        guard stack.pushRawField(1, "values") == LUA_TTABLE else {
            table.fields["values"] = stack.value(at: -1)
            stack.pop()
            return table
        }
        defer { stack.pop() }
        let args = Arguments(primitive: name, table: table)
        let names = (try? source(args, session)).flatMap { TemplateRenderer.names(in: $0.text) }
        table.fields["values"] = .table(stack.table(at: -1, keeping: names))
        return table
    }

    /// The template's text and where it came from (a file, or the call itself).
    static func source(_ args: Arguments, _ session: Session) throws -> (text: String, origin: String) {
        if let source = try args.optionalString("source") { return (source, "inline source") }
        return try TemplateRenderer.find(try args.string("template"), in: session.templateFolders)
    }

    public static func perform(_ args: Arguments, in session: Session) throws -> ActionOutcome {
        let path = try args.path("path")
        let (text, origin) = try source(args, session)
        guard case .table(let values) = args.table["values"] else {
            throw LuaRaise("template: 'values' is required (a table)")
        }
        let rendered = try TemplateRenderer.render(text, values: values, origin: origin)
        let validate = try args.stringList("validate")
        let owner = try args.owner(on: session.host)
        var outcome = try FileOps(session: session, action: name).ensureFile(
            path, data: Array(rendered.utf8), mode: try args.mode(), uid: owner.uid, gid: owner.gid,
            validate: validate.isEmpty ? nil : validate)
        outcome.fields.append(("template", .string(origin)))
        return outcome
    }
}

public enum DirectoryPrimitive: Primitive {
    public static let name = "directory"
    public static let summary = "ensure a directory exists (with missing parents) with this mode and owner"
    public static let parameters = ["path", "mode", "owner", "group"]

    public static func perform(_ args: Arguments, in session: Session) throws -> ActionOutcome {
        let requested = try args.path("path")
        let mode = try args.mode() ?? 0o755
        let owner = try args.owner(on: session.host)
        let path = try session.guardian.resolveForWrite(requested, action: name)
        let host = session.host
        if let current = host.info(path) {
            guard current.kind == .directory else { throw ActionFailure("'\(requested)' exists and is not a directory") }
            let sameOwner = (owner.uid == nil || owner.uid == current.uid) && (owner.gid == nil || owner.gid == current.gid)
            if current.mode == mode && sameOwner { return ActionOutcome(.ok) }
            try host.setAttributes(path, mode: mode, uid: owner.uid, gid: owner.gid)
            return ActionOutcome(.changed, fields: [("mode", .string(String(mode, radix: 8))), ("mode_before", .string(String(current.mode, radix: 8)))],
                                 diff: "mode \(String(current.mode, radix: 8)) -> \(String(mode, radix: 8))\n")
        }
        let parents = try FileOps(session: session, action: name).ensureParents(path)
        try host.makeDirectory(path, mode: mode)
        if owner.uid != nil || owner.gid != nil { try host.setAttributes(path, mode: nil, uid: owner.uid, gid: owner.gid) }
        return ActionOutcome(.changed, fields: [("created", .array((parents + [path]).map { .string($0) })), ("mode", .string(String(mode, radix: 8)))],
                             diff: "created directory \(requested) (mode \(String(mode, radix: 8)))\n")
    }
}

public enum Symlink: Primitive {
    public static let name = "symlink"
    public static let summary = "ensure path is a symbolic link to target (a replaced file is backed up)"
    public static let parameters = ["path", "target"]

    public static func perform(_ args: Arguments, in session: Session) throws -> ActionOutcome {
        let requested = try args.path("path")
        let target = try args.string("target")
        let path = try session.guardian.resolveForWrite(requested, action: name, followFinal: false)
        let host = session.host
        var fields: [(String, JSON)] = [("target", .string(target))]
        if let current = host.info(path) {
            if current.kind == .symlink, try host.readLink(path) == target { return ActionOutcome(.ok, fields: fields) }
            guard current.kind != .directory else { throw ActionFailure("'\(requested)' is a directory; remove it first") }
            fields += try Snapshot.take(path, session: session)
            try host.remove(path)
        } else {
            _ = try FileOps(session: session, action: name).ensureParents(path)
            fields.append(("before", .null))
        }
        if path != requested { fields.append(("resolved", .string(path))) }
        try host.makeSymlink(path, target: target)
        return ActionOutcome(.changed, fields: fields, diff: "symlink \(requested) -> \(target)\n")
    }
}

public enum LineInFile: Primitive {
    public static let name = "line_in_file"
    public static let summary = "ensure a line is in a file: replace the first line matching `match` (a regular expression), else append"
    public static let parameters = ["path", "line", "match", "create", "mode"]

    public static func perform(_ args: Arguments, in session: Session) throws -> ActionOutcome {
        let requested = try args.path("path")
        let line = try args.string("line")
        guard !line.contains("\n") else { throw LuaRaise("line_in_file: 'line' must be one line (no newline)") }
        let pattern = try args.optionalString("match")
        let regex: Regex<AnyRegexOutput>?
        do { regex = try pattern.map { try Regex($0) } } catch {
            throw LuaRaise("line_in_file: 'match' is not a valid regular expression: \(pattern ?? "") (\(error))")
        }
        let create = try args.bool("create", default: false)
        let path = try session.guardian.resolveForWrite(requested, action: name)
        let existing = session.host.readIfPresent(path)
        guard existing != nil || create else { throw ActionFailure("'\(requested)' does not exist (pass create = true to create it)") }
        var lines = existing.map { String(decoding: $0, as: UTF8.self) }.map { text -> [Substring] in
            var l = text.split(separator: "\n", omittingEmptySubsequences: false)
            if text.hasSuffix("\n") { l.removeLast() }
            return l
        } ?? []
        if let regex, let index = lines.firstIndex(where: { $0.contains(regex) }) {
            lines[index] = Substring(line)
        } else if !lines.contains(Substring(line)) {
            lines.append(Substring(line))
        }
        let content = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
        return try FileOps(session: session, action: name).ensureFile(path, data: Array(content.utf8), mode: try args.mode(), uid: nil, gid: nil)
    }
}

public enum Remove: Primitive {
    public static let name = "remove"
    public static let summary = "remove a file, symlink or tree; everything removed is kept as a backup"
    public static let parameters = ["path"]

    public static func perform(_ args: Arguments, in session: Session) throws -> ActionOutcome {
        let requested = try args.path("path")
        let path = try session.guardian.resolveForWrite(requested, action: name, followFinal: false)
        guard session.host.info(path) != nil else { return ActionOutcome(.ok) }
        var fields = try Snapshot.take(path, session: session)
        if path != requested { fields.append(("resolved", .string(path))) }
        try session.host.remove(path)
        return ActionOutcome(.changed, fields: fields, diff: "removed \(requested)\n")
    }
}

public enum Copy: Primitive {
    public static let name = "copy"
    public static let summary = "copy a file or a whole tree, keeping modes, owners and symlinks; replaced files are backed up"
    public static let parameters = ["src", "dest", "mode"]
    public static func subject(_ args: Arguments) -> [(String, JSON)] {
        [("path", args.table["dest"].stringValue.map(JSON.string) ?? .null), ("src", args.table["src"].stringValue.map(JSON.string) ?? .null)]
    }

    public static func perform(_ args: Arguments, in session: Session) throws -> ActionOutcome {
        let srcRequested = try args.path("src")
        let destRequested = try args.path("dest")
        let mode = try args.mode()
        let host = session.host
        let src = try session.guardian.resolveForRead(srcRequested, action: name)
        guard let srcInfo = host.info(src) else {
            if let overlay = host as? OverlayHost, overlay.isUnknown(src) {
                overlay.markUnknown(try session.guardian.resolveForWrite(destRequested, action: name))
                return ActionOutcome(.unknown, fields: [("reason", .string("source is made by a command the plan did not run"))])
            }
            throw ActionFailure("source '\(srcRequested)' does not exist")
        }
        let ops = FileOps(session: session, action: name)
        if srcInfo.kind == .file {
            return try ops.ensureFile(destRequested, data: try host.read(src), mode: mode ?? srcInfo.mode, uid: nil, gid: nil)
        }
        guard srcInfo.kind == .directory else { throw ActionFailure("source '\(srcRequested)' is neither a file nor a directory") }
        let dest = try session.guardian.resolveForWrite(destRequested, action: name)
        if LogicalPath.isWithin(dest, src) { throw ActionFailure("destination '\(destRequested)' is inside the source '\(srcRequested)'") }
        var tree = TreeCopy(session: session, ops: ops)
        try tree.copy(src, to: dest, mode: mode)
        let status: ActionStatus = tree.created.isEmpty && tree.replaced.isEmpty ? .ok : .changed
        var fields: [(String, JSON)] = [("src", .string(srcRequested))]
        if !tree.created.isEmpty { fields.append(("created", .array(tree.created.map { .string($0) }))) }
        if !tree.replaced.isEmpty { fields.append(("replaced", .array(tree.replaced))) }
        fields.append(("files", .int(Int64(tree.files))))
        let diff = status == .ok ? "" : "copied tree \(srcRequested) -> \(destRequested): \(tree.changedCount) entries changed\n"
        return ActionOutcome(status, fields: fields, diff: diff)
    }
}

/// Copies a tree entry by entry, touching only what differs. Records the topmost paths it created
/// and the backups of entries it replaced, so `undo` can put the tree back.
struct TreeCopy {
    let session: Session
    let ops: FileOps
    var created: [String] = []
    var replaced: [JSON] = []
    var files = 0
    var changedCount = 0
    var host: Host { session.host }

    mutating func copy(_ src: String, to dest: String, mode: UInt32?) throws {
        guard let info = host.info(src) else { return }
        let existing = host.info(dest)
        switch info.kind {
        case .directory:
            if existing == nil {
                // folders made on the way are the run's too (undo removes them)
                if host.info(LogicalPath.parent(dest)) == nil { created += try ops.ensureParents(dest) }
                created.append(dest)
                if let cloning = host as? TreeCloning {
                    let count = try cloning.cloneTree(src, to: dest)
                    changedCount += count.entries
                    files += count.files
                    return
                }
                try makeDirectory(dest, like: info)
                changedCount += 1
                try copyChildren(src, dest, topCreated: true)
                return
            }
            if existing?.kind != .directory {
                replaced.append(.object(try Snapshot.take(dest, session: session)))
                try host.remove(dest)
                try makeDirectory(dest, like: info)
                changedCount += 1
            } else if existing?.mode != info.mode || existing?.uid != info.uid || existing?.gid != info.gid {
                try host.setAttributes(dest, mode: info.mode, uid: info.uid, gid: info.gid)
                changedCount += 1
            }
            try copyChildren(src, dest, topCreated: false)
        case .file:
            files += 1
            let data = try host.read(src)
            if let existing, existing.kind == .file, existing.mode == mode ?? info.mode, existing.uid == info.uid, existing.gid == info.gid,
               try host.read(dest) == data { return }
            if let existing {
                replaced.append(.object(try Snapshot.take(dest, session: session)))
                if existing.kind != .file { try host.remove(dest) }
            }
            try host.write(dest, data, mode: mode ?? info.mode, uid: info.uid, gid: info.gid)
            changedCount += 1
        case .symlink:
            let target = try host.readLink(src)
            if existing?.kind == .symlink, try host.readLink(dest) == target { return }
            if existing != nil {
                replaced.append(.object(try Snapshot.take(dest, session: session)))
                try host.remove(dest)
            }
            try host.makeSymlink(dest, target: target)
            changedCount += 1
        case .other:
            return
        }
    }

    /// A folder with the source's mode and owner (a node's /var keeps its daemons' folders theirs).
    private func makeDirectory(_ dest: String, like info: FileInfo) throws {
        try host.makeDirectory(dest, mode: info.mode)
        if info.uid != 0 || info.gid != 0 { try host.setAttributes(dest, mode: nil, uid: info.uid, gid: info.gid) }
    }

    private mutating func copyChildren(_ src: String, _ dest: String, topCreated: Bool) throws {
        let before = created.count
        for name in try host.list(src) {
            try copy(LogicalPath.join(src, name), to: LogicalPath.join(dest, name), mode: nil)
        }
        // inside a freshly created folder, only the folder itself needs to be named for undo
        if topCreated { created.removeSubrange(before...) }
    }
}

/// What a path held before it was replaced or removed, with backups of its files, for `undo`.
enum Snapshot {
    static let maxEntries = 100_000

    static func take(_ path: String, session: Session) throws -> [(String, JSON)] {
        var entries: [JSON] = []
        try walk(path, session: session, into: &entries)
        if entries.count == 1, case .object(let fields) = entries[0] {
            return fields.filter { $0.0 != "path" }.map { ($0.0 == "hash" ? "before" : $0.0, $0.1) }
        }
        return [("before_tree", .array(entries))]
    }

    private static func walk(_ path: String, session: Session, into entries: inout [JSON]) throws {
        guard entries.count < maxEntries, let info = session.host.info(path) else { return }
        var fields: [(String, JSON)] = [("path", .string(path)), ("kind", .string(info.kind.rawValue)), ("mode_before", .string(String(info.mode, radix: 8)))]
        switch info.kind {
        case .file:
            let data = try session.host.read(path)
            fields.append(("hash", .string(Hashing.sha256(data))))
            if !session.isPlan { fields.append(("backup", .string(try session.backups.keep(data, on: session.host)))) }
        case .symlink:
            fields.append(("link_before", .string(try session.host.readLink(path))))
        case .directory:
            entries.append(.object(fields))
            for name in try session.host.list(path) { try walk(LogicalPath.join(path, name), session: session, into: &entries) }
            return
        case .other:
            break
        }
        entries.append(.object(fields))
    }
}
