/// The file work every file primitive shares: resolve through the policy, compare with what is
/// there, keep a backup of what is replaced, write atomically, and describe it for the audit log.
struct FileOps {
    let session: Session
    let action: String
    var host: Host { session.host }

    /// Makes the missing parents of `path` (mode 0755), each inside the write roots.
    func ensureParents(_ path: String) throws -> [String] {
        var missing: [String] = []
        var p = LogicalPath.parent(path)
        while p != "/" && host.info(p) == nil {
            missing.append(p)
            p = LogicalPath.parent(p)
        }
        if let existing = host.info(p), existing.kind != .directory {
            throw ActionFailure("'\(p)' is not a directory")
        }
        for dir in missing.reversed() {
            // the folders leading to a write root may be made too: an empty folder changes nothing else
            if !session.guardian.leadsToWriteRoot(dir) { _ = try session.guardian.resolveForWrite(dir, action: action) }
            try host.makeDirectory(dir, mode: 0o755)
        }
        return missing.reversed()
    }

    /// Ensures `path` holds `data` with the mode and owner wanted. `validate` runs on a temp copy
    /// first; a failing validator leaves the old file untouched.
    func ensureFile(_ requested: String, data: [UInt8], mode wantedMode: UInt32?, uid: UInt32?, gid: UInt32?,
                    validate: [String]? = nil) throws -> ActionOutcome {
        let path = try session.guardian.resolveForWrite(requested, action: action)
        var fields: [(String, JSON)] = []
        if path != requested { fields.append(("resolved", .string(path))) }
        let current = host.info(path)
        if let current, current.kind == .directory { throw ActionFailure("'\(requested)' is a directory") }
        let old: [UInt8]? = current?.kind == .file ? try host.read(path) : nil
        let mode = wantedMode ?? current?.mode ?? 0o644
        let sameContent = old == data
        let sameMeta = current?.mode == mode && (uid == nil || current?.uid == uid) && (gid == nil || current?.gid == gid)
        let after = Hashing.sha256(data)
        if sameContent && sameMeta {
            return ActionOutcome(.ok, fields: fields + [("after", .string(after))])
        }
        if let validate, !sameContent { try Validator(session: session, action: action).check(data, argv: validate) }
        fields.append(("before", old.map { .string(Hashing.sha256($0)) } ?? .null))
        fields.append(("after", .string(after)))
        if current?.mode != mode { fields.append(("mode", .string(String(mode, radix: 8)))) }
        if let current { fields.append(("mode_before", .string(String(current.mode, radix: 8)))) }
        if let old, !session.isPlan {
            fields.append(("backup", .string(try session.backups.keep(old, on: host))))
        }
        let created = try ensureParents(path)
        if !created.isEmpty { fields.append(("created_dirs", .array(created.map { .string($0) }))) }
        if sameContent {
            try host.setAttributes(path, mode: mode, uid: uid, gid: gid)
        } else {
            try host.write(path, data, mode: mode, uid: uid ?? current?.uid, gid: gid ?? current?.gid)
        }
        let diff = sameContent ? "mode \(current.map { String($0.mode, radix: 8) } ?? "-") -> \(String(mode, radix: 8))\n"
            : UnifiedDiff.make(old: old, new: data, path: requested)
        return ActionOutcome(.changed, fields: fields, diff: diff)
    }
}

/// Runs a checker (`dnsmasq --test -C %s`) on a temp copy of the content, on the real machine:
/// it is a read-only check, so it runs for the plan and fake hosts too. Its program must be allowed.
struct Validator {
    let session: Session
    let action: String

    func check(_ data: [UInt8], argv template: [String]) throws {
        guard !template.isEmpty, template.contains(where: { $0.contains("%s") }) else {
            throw ActionFailure("'validate' must be an argv with %s standing for the file to check")
        }
        try session.guardian.checkProgram(template, action: action)
        let local = LocalHost()
        if session.host.kind != .local && !local.hasProgram(template[0]) {
            // a plan or render on a machine without the checker: say so rather than fail the preview
            session.output("warning: \(action): validator '\(template[0])' is not installed here; not checked\n")
            return
        }
        let dir = try TempFolder()
        defer { dir.remove() }
        let file = dir.path + "/candidate"
        try local.write(file, data, mode: 0o600, uid: nil, gid: nil)
        let argv = template.map { $0.replacingOccurrences(of: "%s", with: file) }
        let result = try ProcessRunner.run(CommandSpec(argv: argv, timeout: 60))
        guard result.exitCode == 0 else {
            let why = (result.stderrText + result.stdoutText).replacingOccurrences(of: file, with: "<candidate>")
            throw ActionFailure("validation failed (\(template.joined(separator: " "))), file left unchanged: \(why.trimmed())",
                                fields: [("validate", .array(template.map { .string($0) })), ("exit", .int(Int64(result.exitCode)))])
        }
    }
}

/// A private temporary folder on the real machine.
struct TempFolder {
    let path: String
    init() throws {
        var template = Array("/tmp/bramble-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw HostError(.io, "/tmp", "mkdtemp: \(errnoText())") }
        path = String(cString: p)
    }
    func remove() { try? LocalHost().remove(path) }
}

#if canImport(Glibc)
import Glibc
#endif
