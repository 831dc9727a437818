import LuaKit

/// State the core keeps between runs (stamps of built artefacts), under the host's state folder.
enum StateStore {
    static let folder = "/var/lib/bramble/state"

    static func read(_ key: String, session: Session) -> String? {
        session.host.readIfPresent(folder + "/" + key).map { String(decoding: $0, as: UTF8.self) }
    }

    static func write(_ key: String, _ value: String, session: Session) throws {
        let path = folder + "/" + key
        var missing: [String] = []
        var p = LogicalPath.parent(path)
        while session.host.info(p) == nil { missing.append(p); p = LogicalPath.parent(p) }
        for dir in missing.reversed() { try session.host.makeDirectory(dir, mode: 0o700) }
        try session.host.write(path, Array(value.utf8), mode: 0o600, uid: nil, gid: nil)
    }
}

public enum Dracut: Primitive {
    public static let name = "dracut"
    public static let summary = "build an initramfs for a kernel version with the given dracut modules, then make it 0644"
    public static let parameters = ["output", "kver", "add", "drivers", "omit", "modules", "hostonly", "kmoddir", "sysroot", "compress", "extra_args"]
    public static func subject(_ args: Arguments) -> [(String, JSON)] {
        [("path", args.table["output"].stringValue.map(JSON.string) ?? .null)]
    }

    public static func perform(_ args: Arguments, in session: Session) throws -> ActionOutcome {
        let output = try args.path("output")
        let kver = try args.string("kver")
        guard !kver.contains("/"), !kver.isEmpty else { throw LuaRaise("dracut: 'kver' must be a kernel version like \"3.10.0-1160.el7.x86_64\"") }
        let resolved = try session.guardian.resolveForWrite(output, action: name)
        let host = session.host
        var argv = ["dracut", "--force"]
        argv += try args.bool("hostonly", default: false) ? ["--hostonly"] : ["--no-hostonly", "--no-hostonly-cmdline"]
        for m in try args.stringList("add") { argv += ["--add", m] }
        let modules = try args.stringList("modules")
        if !modules.isEmpty { argv += ["--modules", modules.joined(separator: " ")] }
        let drivers = try args.stringList("drivers")
        if !drivers.isEmpty { argv += ["--add-drivers", drivers.joined(separator: " ")] }
        let omit = try args.stringList("omit")
        if !omit.isEmpty { argv += ["--omit", omit.joined(separator: " ")] }
        if let kmoddir = try args.optionalPath("kmoddir") { argv += ["--kmoddir", host.hostPath(try session.guardian.resolveForRead(kmoddir))] }
        if let sysroot = try args.optionalPath("sysroot") { argv += ["--sysroot", host.hostPath(try session.guardian.resolveForRead(sysroot))] }
        if let compress = try args.optionalString("compress") { argv += ["--compress", compress] }
        argv += try args.stringList("extra_args")
        argv += [host.hostPath(resolved), kver]

        // rebuilt only when the image is missing, was changed since, or the wanted build differs
        let stampKey = "dracut/" + String(Hashing.sha256(Array(resolved.utf8)).dropFirst(7).prefix(32))
        let wanted = Hashing.sha256(Array(argv.dropLast(2).joined(separator: "\u{0}").utf8) + Array(kver.utf8))
        let current = host.info(resolved)
        if let current, current.kind == .file, let stamp = StateStore.read(stampKey, session: session) {
            let parts = stamp.split(separator: " ")
            if parts.count == 2, parts[0] == wanted, parts[1] == Hashing.sha256(try host.read(resolved)) {
                if current.mode != 0o644 { try host.setAttributes(resolved, mode: 0o644, uid: nil, gid: nil) }
                return ActionOutcome(current.mode == 0o644 ? .ok : .changed, fields: [("kver", .string(kver))])
            }
        }
        var fields: [(String, JSON)] = [("kver", .string(kver)), ("argv", .array(argv.map { .string($0) }))]
        if let current, current.kind == .file, !session.isPlan {
            let old = try host.read(resolved)
            fields.append(("before", .string(Hashing.sha256(old))))
            fields.append(("backup", .string(try session.backups.keep(old, on: host))))
        } else if current == nil {
            fields.append(("before", .null))
        }
        let runner = CommandRunner(session: session, action: name)
        let spec = CommandSpec(argv: argv, timeout: 1800)
        guard let result = try runner.run(spec) else {
            (host as? OverlayHost)?.markUnknown(resolved)
            return ActionOutcome(.changed, fields: fields, diff: "would build initramfs \(output) for \(kver): \(argv.joined(separator: " "))\n")
        }
        try CommandRunner.check(result, spec)
        guard host.info(resolved)?.kind == .file else { throw ActionFailure("dracut exited 0 but wrote no '\(output)'") }
        // the guide's chmod 644: TFTP serves it to the nodes
        try host.setAttributes(resolved, mode: 0o644, uid: nil, gid: nil)
        let built = try host.read(resolved)
        try StateStore.write(stampKey, wanted + " " + Hashing.sha256(built), session: session)
        fields.append(("after", .string(Hashing.sha256(built))))
        return ActionOutcome(.changed, fields: fields + CommandRunner.fields(spec, result), diff: "built initramfs \(output) for \(kver)\n")
    }
}

public enum ExportFS: Primitive {
    public static let name = "exportfs"
    public static let summary = "manage NFS export entries in /etc/exports (a marked block; the rest is kept) and reload with exportfs -ra"
    public static let parameters = ["entries", "file", "reload"]
    public static func subject(_ args: Arguments) -> [(String, JSON)] {
        [("path", .string(args.table["file"].stringValue ?? "/etc/exports"))]
    }
    static let begin = "# BEGIN bramble managed exports: edit the site, not these lines"
    static let end = "# END bramble managed exports"

    public static func perform(_ args: Arguments, in session: Session) throws -> ActionOutcome {
        let file = try args.optionalPath("file") ?? "/etc/exports"
        guard case .table(let list) = args.table["entries"] else { throw LuaRaise("exportfs: 'entries' is required (a list of {path=, clients=, options=})") }
        var lines: [String] = []
        for (i, entry) in list.array.enumerated() {
            guard case .table(let t) = entry else { throw LuaRaise("exportfs: entries[\(i + 1)] must be a table") }
            let e = Arguments(primitive: "exportfs: entries[\(i + 1)]", table: t)
            try e.checkKnown(["path", "clients", "options"])
            let path = try e.path("path")
            let clients = try e.string("clients")
            let options = try e.optionalString("options") ?? "rw,sync,no_subtree_check"
            guard !path.contains(where: { $0 == " " || $0 == "\t" }), !clients.contains(" "),
                  options.allSatisfy({ $0.isLetter || $0.isNumber || "_,=:-/.@".contains($0) }) else {
                throw LuaRaise("exportfs: entries[\(i + 1)]: spaces or odd characters in path, clients or options")
            }
            lines.append("\(path)\t\(clients)(\(options))")
        }
        let resolved = try session.guardian.resolveForRead(file)
        let old = session.host.readIfPresent(resolved).map { String(decoding: $0, as: UTF8.self) } ?? ""
        var kept = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if old.hasSuffix("\n") || old.isEmpty { kept.removeLast() }
        if let b = kept.firstIndex(of: begin), let e = kept.firstIndex(of: end), b < e { kept.removeSubrange(b...e) }
        let block = [begin] + lines + [end]
        let content = (kept + block).joined(separator: "\n") + "\n"
        var outcome = try FileOps(session: session, action: name).ensureFile(file, data: Array(content.utf8), mode: nil, uid: nil, gid: nil)
        guard outcome.status == .changed, try args.bool("reload", default: true) else { return outcome }
        let runner = CommandRunner(session: session, action: name)
        if runner.isStaged {
            outcome.fields.append(("reload", .string("skipped: staged under --root, the live exports are not reloaded")))
            return outcome
        }
        let spec = CommandSpec(argv: ["exportfs", "-ra"], timeout: 120)
        if let result = try runner.run(spec) {
            try CommandRunner.check(result, spec)
            outcome.fields += [("reload", .array(spec.argv.map { .string($0) }))] + CommandRunner.fields(spec, result)
        } else {
            outcome.diff += "would run: exportfs -ra\n"
        }
        return outcome
    }
}

public enum Service: Primitive {
    public static let name = "service"
    public static let summary = "enable/disable a systemd unit and start/restart/stop it; with root= (an image) only enable/disable via systemctl --root"
    public static let parameters = ["name", "enabled", "state", "root"]
    public static func subject(_ args: Arguments) -> [(String, JSON)] {
        var f: [(String, JSON)] = [("unit", args.table["name"].stringValue.map(JSON.string) ?? .null)]
        if let r = args.table["root"].stringValue { f.append(("chroot", .string(r))) }
        return f
    }

    public static func perform(_ args: Arguments, in session: Session) throws -> ActionOutcome {
        let unit = try args.string("name")
        guard unit.allSatisfy({ $0.isLetter || $0.isNumber || "-_.@:".contains($0) }), !unit.hasPrefix("-") else {
            throw LuaRaise("service: 'name' must be a unit name like \"dnsmasq\" or \"nfs-server.service\", got '\(unit)'")
        }
        let enabled: Bool? = args.table["enabled"].isNil ? nil : try args.bool("enabled", default: true)
        let state = try args.optionalString("state")
        if let state, !["started", "restarted", "stopped", "reloaded"].contains(state) {
            throw LuaRaise("service: 'state' must be one of started, restarted, stopped, reloaded; got '\(state)'")
        }
        let runner = CommandRunner(session: session, action: name)
        var rootArgs: [String] = []
        if let root = try args.optionalPath("root") {
            let resolved = try session.guardian.checkChroot(root, action: name)
            _ = try session.guardian.resolveForWrite(LogicalPath.join(resolved, "etc/systemd/system"), action: name)
            rootArgs = ["--root=" + session.host.hostPath(resolved)]
            if state != nil { throw LuaRaise("service: 'state' cannot be used with 'root' (the image is not running)") }
        } else if runner.isStaged {
            // the head's packages are not installed into a staged root, so its units may be absent there
            let unitFile = unit.contains(".") ? unit : unit + ".service"
            let present = ["/etc/systemd/system/", "/usr/lib/systemd/system/", "/lib/systemd/system/"].contains { session.host.info($0 + unitFile) != nil }
            if !present {
                return ActionOutcome(.skipped, fields: [("reason", .string("staged under --root: \(unitFile) is not installed in the staged root"))])
            }
            _ = try session.guardian.resolveForWrite("/etc/systemd/system", action: name)
            rootArgs = ["--root=" + session.host.hostPath("/")]
        }
        var changes: [String] = []
        var fields: [(String, JSON)] = []
        var ran: [JSON] = []
        var unknown = false
        if let enabled {
            let probe = try runner.probe(CommandSpec(argv: ["systemctl"] + rootArgs + ["is-enabled", unit], timeout: 60))
            let isEnabled = probe.exitCode == 0 && ["enabled", "alias", "static", "indirect", "generated"].contains(probe.stdoutText.trimmed())
            if isEnabled != enabled {
                let spec = CommandSpec(argv: ["systemctl"] + rootArgs + [enabled ? "enable" : "disable", unit], timeout: 120)
                if let result = try runner.run(spec) { try CommandRunner.check(result, spec); ran.append(.object([("argv", .array(spec.argv.map { .string($0) }))] + CommandRunner.fields(spec, result))) }
                changes.append(enabled ? "enable" : "disable")
            }
        }
        if let state {
            if runner.isStaged {
                fields.append(("state", .string("skipped: staged under --root, live services are not touched")))
            } else {
                let probe = try runner.probe(CommandSpec(argv: ["systemctl", "is-active", unit], timeout: 60))
                let active = probe.exitCode == 0
                let verb: String? = switch state {
                case "started": active ? nil : "start"
                case "stopped": active ? "stop" : nil
                case "reloaded": "reload"
                default: "restart"
                }
                if let verb {
                    let spec = CommandSpec(argv: ["systemctl", verb, unit], timeout: 300)
                    if let result = try runner.run(spec) { try CommandRunner.check(result, spec); ran.append(.object([("argv", .array(spec.argv.map { .string($0) }))] + CommandRunner.fields(spec, result))) } else if !session.isPlan { unknown = true }
                    changes.append(verb)
                }
            }
        }
        if !ran.isEmpty { fields.append(("commands", .array(ran))) }
        if changes.isEmpty { return ActionOutcome(.ok, fields: fields, luaFields: ["changes": .list([])]) }
        fields.append(("changes", .array(changes.map { .string($0) })))
        // the verbs reach Lua too: a playbook need not restart what this call has just started
        return ActionOutcome(unknown ? .unknown : .changed, fields: fields, diff: "systemctl \(rootArgs.joined(separator: " ")) \(changes.joined(separator: ", ")) \(unit)\n",
                             luaFields: ["changes": .list(changes.map { .string($0) })])
    }
}

public enum Package: Primitive {
    public static let name = "package"
    public static let summary = "install packages with yum, dnf or apt — on the head, or into an image root (--installroot, debootstrap)"
    public static let parameters = ["names", "manager", "root", "release", "suite", "mirror", "variant", "extra_args"]
    public static func subject(_ args: Arguments) -> [(String, JSON)] {
        var f: [(String, JSON)] = [("packages", .array((args.table["names"].tableValue?.array ?? []).map { .string($0.stringValue ?? "?") }))]
        if let r = args.table["root"].stringValue { f.append(("chroot", .string(r))) }
        return f
    }

    public static func perform(_ args: Arguments, in session: Session) throws -> ActionOutcome {
        let names = try args.stringList("names")
        let manager = try args.string("manager")
        guard ["yum", "dnf", "apt", "debootstrap"].contains(manager) else {
            throw LuaRaise("package: 'manager' must be yum, dnf, apt or debootstrap; got '\(manager)'")
        }
        for n in names where n.hasPrefix("-") || n.contains(" ") || n.isEmpty { throw LuaRaise("package: bad package name '\(n)'") }
        let runner = CommandRunner(session: session, action: name)
        let host = session.host
        let extra = try args.stringList("extra_args")
        var root: String?
        if let r = try args.optionalPath("root") {
            root = try session.guardian.resolveForWrite(r, action: name)
            _ = try session.guardian.checkChroot(r, action: name)
        }
        if manager == "debootstrap" {
            guard let root else { throw LuaRaise("package: debootstrap needs 'root' (the image folder)") }
            let suite = try args.optionalString("suite") ?? args.optionalString("release") ?? "bookworm"
            if host.info(root + "/etc/debian_version") != nil, host.info(root + "/var/lib/dpkg/status") != nil || host.kind == .fake {
                return ActionOutcome(.ok, fields: [("reason", .string("image already bootstrapped"))])
            }
            var argv = ["debootstrap", "--variant=" + (try args.optionalString("variant") ?? "minbase")]
            if !names.isEmpty { argv.append("--include=" + names.joined(separator: ",")) }
            argv += extra + [suite, host.hostPath(root)]
            if let mirror = try args.optionalString("mirror") { argv.append(mirror) }
            return try install(argv, root: root, session: session, runner: runner, timeout: 3600)
        }
        guard !names.isEmpty else { throw LuaRaise("package: 'names' is required (a list of package names)") }
        if root == nil && runner.isStaged {
            return ActionOutcome(.skipped, fields: [("reason", .string("staged under --root: head packages are not installed on this machine"))])
        }
        // which are missing? (group names like @Base cannot be queried: they count as missing until the image exists)
        var missing: [String] = []
        for n in names {
            let query: [String]
            switch manager {
            case "apt": query = ["dpkg-query"] + (root.map { ["--admindir=" + host.hostPath($0) + "/var/lib/dpkg"] } ?? []) + ["-W", "-f=${Status}", n]
            default: query = ["rpm"] + (root.map { ["--root=" + host.hostPath($0)] } ?? []) + ["-q", n]
            }
            if n.hasPrefix("@") {
                if root.map({ host.info($0 + "/var/lib/rpm") == nil }) ?? true { missing.append(n) }
                continue
            }
            if root != nil && host.info(root! + (manager == "apt" ? "/var/lib/dpkg" : "/var/lib/rpm")) == nil { missing.append(n); continue }
            let probe = try runner.probe(CommandSpec(argv: query, timeout: 60))
            let installed = probe.exitCode == 0 && (manager != "apt" || probe.stdoutText.contains("install ok installed"))
            if !installed { missing.append(n) }
        }
        if missing.isEmpty { return ActionOutcome(.ok, fields: [("reason", .string("all installed"))]) }
        var argv: [String]
        switch manager {
        case "apt":
            argv = ["apt-get", "install", "-y", "--no-install-recommends"] + extra + missing
            if let root {
                // apt into an image runs inside it
                return try install(argv, root: root, session: session, runner: runner, timeout: 3600, chroot: true, missing: missing)
            }
        default:
            argv = [manager, "-y"]
            if let root {
                argv += ["--installroot=" + host.hostPath(root), "--releasever=" + (try args.optionalString("release") ?? "/")]
            }
            argv += extra + ["install"] + missing
        }
        return try install(argv, root: root, session: session, runner: runner, timeout: 3600, missing: missing)
    }

    static func install(_ argv: [String], root: String?, session: Session, runner: CommandRunner, timeout: Double,
                        chroot: Bool = false, missing: [String] = []) throws -> ActionOutcome {
        let spec = CommandSpec(argv: argv, environment: ["DEBIAN_FRONTEND": "noninteractive"], timeout: timeout, chroot: chroot ? root : nil)
        var fields: [(String, JSON)] = [("argv", .array(argv.map { .string($0) }))]
        if !missing.isEmpty { fields.append(("installing", .array(missing.map { .string($0) }))) }
        guard let result = try runner.run(spec) else {
            if let root { (session.host as? OverlayHost)?.markUnknown(root) }
            return ActionOutcome(.changed, fields: fields, diff: "would run: \(argv.joined(separator: " "))\n")
        }
        try CommandRunner.check(result, spec)
        return ActionOutcome(.changed, fields: fields + CommandRunner.fields(spec, result))
    }
}

public enum Sync: Primitive {
    public static let name = "sync"
    public static let summary = "rsync -a a tree into another (with excludes, optionally --delete); idempotent through a dry run"
    public static let parameters = ["src", "dest", "excludes", "delete"]
    public static func subject(_ args: Arguments) -> [(String, JSON)] {
        [("path", args.table["dest"].stringValue.map(JSON.string) ?? .null), ("src", args.table["src"].stringValue.map(JSON.string) ?? .null)]
    }

    public static func perform(_ args: Arguments, in session: Session) throws -> ActionOutcome {
        let src = try session.guardian.resolveForRead(try args.path("src"), action: name)
        let destRequested = try args.path("dest")
        let dest = try session.guardian.resolveForWrite(destRequested, action: name)
        let host = session.host
        var base = ["rsync", "-a", "--numeric-ids"]
        if try args.bool("delete", default: false) { base.append("--delete") }
        for e in try args.stringList("excludes") { base.append("--exclude=" + e) }
        let from = host.hostPath(src) + (src == "/" ? "" : "/")
        let to = host.hostPath(dest) + "/"
        let runner = CommandRunner(session: session, action: name)
        if host.info(dest) != nil {
            let probe = try runner.probe(CommandSpec(argv: base + ["--dry-run", "--itemize-changes", from, to], timeout: 1800))
            if probe.exitCode == 0 && probe.standardOutput.isEmpty { return ActionOutcome(.ok) }
        }
        if host.info(dest) == nil && !session.isPlan { _ = try FileOps(session: session, action: name).ensureParents(dest + "/x") }
        let spec = CommandSpec(argv: base + [from, to], timeout: 7200)
        guard let result = try runner.run(spec) else {
            (host as? OverlayHost)?.markUnknown(dest)
            return ActionOutcome(.changed, fields: [("argv", .array(spec.argv.map { .string($0) }))], diff: "would run: \(spec.argv.joined(separator: " "))\n")
        }
        try CommandRunner.check(result, spec)
        return ActionOutcome(.changed, fields: [("argv", .array(spec.argv.map { .string($0) }))] + CommandRunner.fields(spec, result))
    }
}
