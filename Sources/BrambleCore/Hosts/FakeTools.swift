#if canImport(Glibc)
import Glibc
#endif

/// Built-in fakes for the tools the diskless guide uses. Each acts like the real tool on the fake
/// filesystem — enough for a playbook's later steps to find what the tool would have made — and
/// fails the way the real one would on bad input. Inside a chroot, paths are taken in the image.
public struct FakeTools {
    public init() {}

    /// Packages the fake package managers treat as installed from the start.
    static let dbPaths = ["rpm": "/var/lib/rpm/fake-installed", "dpkg": "/var/lib/dpkg/fake-installed"]

    func run(_ command: CommandSpec, on host: FakeHost) throws -> CommandResult? {
        let argv = command.argv
        guard let program = argv.first.map(LogicalPath.name) else { return nil }
        let root = command.chroot ?? ""
        let args = Array(argv.dropFirst())
        switch program {
        case "uname": return uname(args, host, root)
        case "dracut": return dracut(args, host, root)
        case "yum", "dnf": return yum(program, args, host, root)
        case "apt-get", "apt": return apt(args, host, root)
        case "rpm": return packageQuery(args.last ?? "", db: "rpm", host, root + (option("--root", in: args) ?? ""))
        case "dpkg-query":
            let admindir = option("--admindir", in: args).map { String($0.dropLast("/var/lib/dpkg".count)) } ?? ""
            return packageQuery(args.last ?? "", db: "dpkg", host, root + admindir)
        case "debootstrap": return debootstrap(args, host)
        case "rsync": return rsync(args, host)
        case "exportfs": return exportfs(args, host, root)
        case "systemctl": return systemctl(args, host, root)
        case "chmod": return chmod(args, host, root)
        case "dnsmasq" where args.contains("--test"): return CommandResult(exitCode: 0, standardError: Array("dnsmasq: syntax check OK.\n".utf8))
        case "chroot":
            // chroot ROOT cmd...: the fake of cmd, acting inside ROOT
            guard args.count >= 2, args[0].hasPrefix("/") else { return fail(125, "chroot: expected ROOT COMMAND...") }
            var inner = command
            inner.argv = Array(args.dropFirst())
            inner.chroot = root + args[0]
            return try run(inner, on: host)
        case "true": return CommandResult(exitCode: 0)
        case "false": return CommandResult(exitCode: 1)
        default: return nil
        }
    }

    /// The value of `--name=VALUE` among args.
    private func option(_ name: String, in args: [String]) -> String? {
        args.first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
    }

    /// Unit files the packages of the guide ship, so `systemctl enable` works after an install.
    static let unitsOfPackage: [String: [String]] = [
        "dnsmasq": ["dnsmasq.service"],
        "nfs-utils": ["nfs-server.service", "rpcbind.service"],
        "nfs-kernel-server": ["nfs-kernel-server.service", "nfs-server.service"],
        "nfs-ganesha": ["nfs-ganesha.service"],
        "tftp-server": ["tftp.service", "tftp.socket"],
    ]

    private func ok(_ out: String = "") -> CommandResult { CommandResult(exitCode: 0, standardOutput: Array(out.utf8)) }
    private func fail(_ code: Int32, _ err: String) -> CommandResult { CommandResult(exitCode: code, standardError: Array((err + "\n").utf8)) }

    private func kernels(_ host: FakeHost, _ root: String) -> [String] {
        ((try? host.list(root + "/boot")) ?? []).filter { $0.hasPrefix("vmlinuz-") }.map { String($0.dropFirst(8)) }
    }

    private func uname(_ args: [String], _ host: FakeHost, _ root: String) -> CommandResult {
        guard args == ["-r"] else { return fail(1, "uname: the fake knows only 'uname -r'") }
        guard let k = kernels(host, "").last else { return fail(1, "uname: no kernel in the fake /boot") }
        return ok(k + "\n")
    }

    /// dracut [options] OUTPUT KVER — or --kver K. Fails like the real one when the kernel's modules are missing.
    private func dracut(_ args: [String], _ host: FakeHost, _ root: String) -> CommandResult {
        var positional: [String] = []
        var kver: String?
        var kmoddir: String?
        var modules: [String] = []
        var i = 0
        let takesValue: Set<String> = ["--add", "-a", "--add-drivers", "--omit", "-o", "--modules", "-m", "--kmoddir", "-k",
                                       "--sysroot", "--kver", "--drivers", "--omit-drivers", "--conf", "--confdir", "--compress"]
        while i < args.count {
            let a = args[i]
            if takesValue.contains(a), i + 1 < args.count {
                let v = args[i + 1]
                switch a {
                case "--kver": kver = v
                case "--kmoddir", "-k": kmoddir = v
                case "--add", "-a", "--modules", "-m": modules += v.split(separator: " ").map(String.init)
                default: break
                }
                i += 2
                continue
            }
            if !a.hasPrefix("-") { positional.append(a) }
            i += 1
        }
        guard let output = positional.first else { return fail(1, "dracut: no output file given") }
        let version = kver ?? (positional.count > 1 ? positional[1] : kernels(host, root).last)
        guard let version else { return fail(1, "dracut: cannot find a kernel version") }
        let moduleDir = kmoddir ?? (root + "/lib/modules/" + version)
        guard host.info(moduleDir)?.kind == .directory else {
            return fail(1, "dracut: Cannot find module directory \(moduleDir)\ndracut: and --no-kernel was not specified")
        }
        let out = output.hasPrefix("/") ? root + output : root + "/" + output
        guard host.info(LogicalPath.parent(out))?.kind == .directory else { return fail(1, "dracut: Can't write to \(LogicalPath.parent(out)): Directory does not exist") }
        let content = "fake initramfs for \(version)\nmodules: \(modules.joined(separator: " "))\nargs: \(args.joined(separator: " "))\n"
        // dracut creates its image 0600; making it readable for TFTP is the caller's job (as in the guide)
        try? host.write(out, Array(content.utf8), mode: 0o600, uid: 0, gid: 0)
        return ok()
    }

    private func installed(_ db: String, _ host: FakeHost, _ root: String) -> Set<String> {
        let path = root + (FakeTools.dbPaths[db] ?? "")
        let text = host.readIfPresent(path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return Set(text.split(separator: "\n").map(String.init))
    }

    private func record(_ packages: [String], db: String, _ host: FakeHost, _ root: String) {
        let path = root + (FakeTools.dbPaths[db] ?? "")
        let all = installed(db, host, root).union(packages).sorted()
        host.fs.put(path, all.joined(separator: "\n") + "\n")
        let unitDir = root + (db == "rpm" ? "/usr/lib/systemd/system/" : "/lib/systemd/system/")
        for package in packages {
            for unit in FakeTools.unitsOfPackage[package] ?? [] where host.info(unitDir + unit) == nil {
                host.fs.put(unitDir + unit, "[Unit]\nDescription=\(unit) (fake, from \(package))\n")
            }
            // EL7's nfs-utils: "nfs" is an alias of nfs-server, as the guide's `systemctl enable nfs` relies on
            if package == "nfs-utils", host.info(unitDir + "nfs.service") == nil {
                host.fs.set(unitDir + "nfs.service", .symlink(target: "nfs-server.service"))
            }
        }
    }

    private func packageQuery(_ name: String, db: String, _ host: FakeHost, _ root: String) -> CommandResult {
        if installed(db, host, root).contains(name) { return ok(db == "rpm" ? "\(name)-1.0-1.x86_64\n" : "install ok installed") }
        return db == "rpm" ? CommandResult(exitCode: 1, standardOutput: Array("package \(name) is not installed\n".utf8))
            : fail(1, "dpkg-query: no packages found matching \(name)")
    }

    private func yum(_ program: String, _ args: [String], _ host: FakeHost, _ root: String) -> CommandResult {
        var installRoot: String?
        var packages: [String] = []
        var i = 0
        var sawInstall = false
        while i < args.count {
            let a = args[i]
            if a.hasPrefix("--installroot=") { installRoot = String(a.dropFirst("--installroot=".count)) }
            else if a == "--installroot", i + 1 < args.count { installRoot = args[i + 1]; i += 1 }
            else if a == "install" || a == "groupinstall" { sawInstall = true }
            else if !a.hasPrefix("-") && sawInstall { packages.append(a) }
            i += 1
        }
        guard sawInstall else { return fail(1, "\(program): the fake knows only 'install'") }
        guard !packages.isEmpty else { return fail(1, "Error: Need to pass a list of pkgs to install") }
        if let target = installRoot {
            layImage(at: target, host: host, family: "el")
            record(packages, db: "rpm", host, target)
        } else {
            record(packages, db: "rpm", host, root)
        }
        return ok("Installed: \(packages.joined(separator: " "))\nComplete!\n")
    }

    private func apt(_ args: [String], _ host: FakeHost, _ root: String) -> CommandResult {
        guard let at = args.firstIndex(of: "install") else { return fail(100, "E: the fake knows only 'install'") }
        let packages = args[(at + 1)...].filter { !$0.hasPrefix("-") }
        guard !packages.isEmpty else { return fail(100, "E: no packages given") }
        record(Array(packages), db: "dpkg", host, root)
        return ok("Setting up \(packages.joined(separator: " "))\n")
    }

    private func debootstrap(_ args: [String], _ host: FakeHost) -> CommandResult {
        let positional = args.filter { !$0.hasPrefix("-") }
        guard positional.count >= 2 else { return fail(1, "E: You must specify a suite and a target.") }
        let target = positional[1]
        layImage(at: target, host: host, family: "debian")
        var included: [String] = []
        for a in args where a.hasPrefix("--include=") { included += a.dropFirst(10).split(separator: ",").map(String.init) }
        record(included, db: "dpkg", host, target)
        return ok("I: Base system installed successfully.\n")
    }

    /// A small root tree with what later playbook steps look for: a kernel matching the head's, its
    /// modules folder, /var, /etc/fstab, the service units, and (EL) the image's own ifcfg files.
    func layImage(at target: String, host: FakeHost, family: String) {
        let fs = host.fs
        fs.ensureDirectory(target)
        for dir in ["etc", "var/log", "var/lib", "var/tmp", "var/spool", "tmp", "proc", "sys", "dev", "run", "boot", "usr/bin", "usr/sbin"] {
            fs.ensureDirectory(target + "/" + dir)
        }
        for k in kernels(host, "") {
            fs.put(target + "/boot/vmlinuz-" + k, "fake kernel \(k)\n")
            fs.ensureDirectory(target + "/lib/modules/" + k)
        }
        if let release = host.readIfPresent("/etc/os-release") {
            fs.set(target + "/etc/os-release", .file(data: release, mode: 0o644, uid: 0, gid: 0))
        }
        fs.put(target + "/etc/fstab", "# fake fstab laid down by the package manager\n")
        fs.put(target + "/var/log/lastlog", "")
        fs.put(target + "/etc/hostname", "localhost\n")
        let unitDir = family == "el" ? "/usr/lib/systemd/system" : "/lib/systemd/system"
        fs.put(target + unitDir + "/rc-local.service", "[Unit]\nDescription=rc.local compatibility\n")
        fs.put(target + unitDir + "/sshd.service", "[Unit]\nDescription=OpenSSH\n")
        if family == "debian" {
            fs.put(target + "/etc/debian_version", "12.8\n")
            fs.put(target + "/var/lib/dpkg/status", "Package: base-files\nStatus: install ok installed\n")
        }
        if family == "el" {
            fs.put(target + "/etc/sysconfig/network-scripts/ifcfg-eth0", "DEVICE=eth0\nBOOTPROTO=dhcp\n")
            fs.put(target + "/etc/sysconfig/network-scripts/ifcfg-lo", "DEVICE=lo\n")
            fs.put(target + "/etc/rc.d/rc.local", "#!/bin/bash\ntouch /var/lock/subsys/local\n", mode: 0o644)
            fs.ensureDirectory(target + "/etc/rc.d")
        }
    }

    /// rsync -a [--delete] [--exclude=PATTERN]... SRC DEST, within the fake. Patterns are rsync's:
    /// anchored at the source when they start with '/', else matched against the end of the path;
    /// '*' stays within one path component; 'dir/*' keeps dir but not its content. With --dry-run
    /// (and --itemize-changes) it prints what it would change and changes nothing.
    private func rsync(_ args: [String], _ host: FakeHost) -> CommandResult {
        var excludes: [String] = []
        var positional: [String] = []
        var dryRun = false
        var i = 0
        while i < args.count {
            let a = args[i]
            if a.hasPrefix("--exclude=") { excludes.append(String(a.dropFirst(10))) }
            else if a == "--exclude", i + 1 < args.count { excludes.append(args[i + 1]); i += 1 }
            else if a == "--dry-run" || a == "-n" { dryRun = true }
            else if a == "-e", i + 1 < args.count { i += 1 }
            else if !a.hasPrefix("-") { positional.append(a) }
            i += 1
        }
        guard positional.count == 2 else { return fail(1, "rsync: expected SRC and DEST") }
        let contentsOnly = positional[0].hasSuffix("/")
        let src = LogicalPath.normalize(positional[0])
        var dest = LogicalPath.normalize(positional[1])
        guard host.info(src) != nil else { return fail(23, "rsync: change_dir \"\(src)\" failed: No such file or directory (2)") }
        if !contentsOnly && src != "/" { dest = LogicalPath.join(dest, LogicalPath.name(src)) }
        var changes: [String] = []
        for path in host.fs.paths(under: src) {
            let rel = src == "/" ? path : String(path.dropFirst(src.count))
            if excludes.contains(where: { FakeTools.rsyncExcludes($0, rel) }) || LogicalPath.isWithin(path, dest) { continue }
            let target = dest == "/" ? rel : dest + rel
            guard let node = host.fs[path] else { continue }
            if case .directory = node, case .directory? = host.fs[target] { continue }
            if host.fs[target] == node { continue }
            changes.append(rel)
            if dryRun { continue }
            host.fs.ensureDirectory(LogicalPath.parent(target))
            host.fs.set(target, node)
        }
        return ok(dryRun ? changes.map { ">f+++++++++ " + $0.dropFirst() + "\n" }.joined() : "")
    }

    /// Whether rsync's exclude `pattern` matches the transfer-relative path `rel` ("/a/b").
    static func rsyncExcludes(_ pattern: String, _ rel: String) -> Bool {
        var p = pattern
        var contentsOnly = false
        if p.hasSuffix("/*") { p = String(p.dropLast(2)); contentsOnly = true }
        if p.hasSuffix("/") { p = String(p.dropLast()) }
        let parts = LogicalPath.components(rel)
        let patternParts = LogicalPath.components(p)
        guard !patternParts.isEmpty else { return false }
        // the path, or one of its ancestors, is what the pattern names
        let starts = p.hasPrefix("/") ? [0] : Array(0..<parts.count)
        for start in starts {
            let end = start + patternParts.count
            guard end <= parts.count else { continue }
            let matched = zip(patternParts, parts[start..<end]).allSatisfy { fnmatch(String($0), String($1), 0) == 0 }
            if matched && (!contentsOnly || parts.count > end) { return true }
        }
        return false
    }

    /// exportfs -ra: reads /etc/exports like the real one and fails on lines it would refuse.
    private func exportfs(_ args: [String], _ host: FakeHost, _ root: String) -> CommandResult {
        guard args.contains(where: { $0.hasPrefix("-") && ($0.contains("r") || $0.contains("a")) }) else {
            return fail(1, "exportfs: the fake knows only -ra")
        }
        let known: Set<String> = ["rw", "ro", "sync", "async", "no_root_squash", "root_squash", "all_squash", "crossmnt",
                                  "no_subtree_check", "subtree_check", "insecure", "secure", "fsid", "anonuid", "anongid",
                                  "nohide", "hide", "wdelay", "no_wdelay", "sec", "mountpoint", "mp", "no_all_squash"]
        var files = ["/etc/exports"]
        if let extra = try? host.list(root + "/etc/exports.d") { files += extra.filter { $0.hasSuffix(".exports") }.map { "/etc/exports.d/" + $0 } }
        for file in files {
            guard let data = host.readIfPresent(root + file) else { continue }
            for (n, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard let path = fields.first else { continue }
                guard path.hasPrefix("/") else { return fail(1, "exportfs: \(file):\(n + 1): bad path '\(path)'") }
                guard host.info(root + String(path))?.kind == .directory else {
                    return fail(1, "exportfs: Failed to stat \(path): No such file or directory")
                }
                for client in fields.dropFirst() {
                    guard let open = client.firstIndex(of: "("), client.hasSuffix(")") else {
                        if client.contains("(") || client.contains(")") { return fail(1, "exportfs: \(file):\(n + 1): syntax error in '\(client)'") }
                        continue
                    }
                    let options = client[client.index(after: open)..<client.index(before: client.endIndex)]
                    for option in options.split(separator: ",") {
                        let name = String(option.split(separator: "=").first ?? "")
                        if !known.contains(name) { return fail(1, "exportfs: \(file):\(n + 1): unknown keyword \"\(option)\"") }
                    }
                }
            }
        }
        return ok()
    }

    /// systemctl [--root=R] enable|disable|start|restart|stop|is-enabled|daemon-reload UNIT
    private func systemctl(_ args: [String], _ host: FakeHost, _ chroot: String) -> CommandResult {
        var root = chroot
        var rest: [String] = []
        var i = 0
        while i < args.count {
            let a = args[i]
            if a.hasPrefix("--root=") { root = chroot + String(a.dropFirst(7)) }
            else if a == "--root", i + 1 < args.count { root = chroot + args[i + 1]; i += 1 }
            else if !a.hasPrefix("-") { rest.append(a) }
            i += 1
        }
        guard let verb = rest.first else { return fail(1, "systemctl: no verb") }
        if verb == "daemon-reload" { return ok() }
        guard rest.count >= 2 else { return fail(1, "Too few arguments.") }
        let unit = rest[1].contains(".") ? rest[1] : rest[1] + ".service"
        let unitDirs = ["/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"]
        guard let unitFile = unitDirs.map({ root + $0 + "/" + unit }).first(where: { host.info($0) != nil }) else {
            return fail(1, "Failed to \(verb) unit: Unit file \(unit) does not exist.")
        }
        let wants = root + "/etc/systemd/system/multi-user.target.wants/" + unit
        let state = "/run/fake-systemd/" + unit
        switch verb {
        case "enable":
            host.fs.ensureDirectory(LogicalPath.parent(wants))
            if host.info(wants) == nil {
                let target = String(unitFile.dropFirst(root.count))
                host.fs.set(wants, .symlink(target: target))
                return CommandResult(exitCode: 0, standardError: Array("Created symlink \(wants) → \(target).\n".utf8))
            }
            return ok()
        case "disable":
            if host.info(wants) != nil { host.fs.drop(wants) }
            return ok()
        case "is-enabled":
            return host.info(wants) != nil ? ok("enabled\n") : CommandResult(exitCode: 1, standardOutput: Array("disabled\n".utf8))
        case "start", "restart", "reload", "try-restart", "reload-or-restart":
            guard chroot.isEmpty, root.isEmpty else { return fail(1, "System has not been booted with systemd as init system (PID 1). Can't operate.") }
            host.fs.put(state, "active\n")
            return ok()
        case "stop":
            host.fs.put(state, "inactive\n")
            return ok()
        case "is-active":
            let active = host.readIfPresent(state).map { String(decoding: $0, as: UTF8.self) } == "active\n"
            return active ? ok("active\n") : CommandResult(exitCode: 3, standardOutput: Array("inactive\n".utf8))
        default:
            return fail(1, "systemctl: the fake does not know '\(verb)'")
        }
    }

    private func chmod(_ args: [String], _ host: FakeHost, _ root: String) -> CommandResult {
        let positional = args.filter { !$0.hasPrefix("-") }
        guard positional.count == 2 else { return fail(1, "chmod: the fake takes MODE PATH") }
        let path = root + positional[1]
        guard let info = host.info(path) else { return fail(1, "chmod: cannot access '\(positional[1])': No such file or directory") }
        var mode = info.mode
        if let octal = UInt32(positional[0], radix: 8) { mode = octal }
        else if positional[0] == "+x" { mode |= 0o111 }
        else { return fail(1, "chmod: the fake knows octal modes and +x") }
        try? host.setAttributes(path, mode: mode, uid: nil, gid: nil)
        return ok()
    }
}
