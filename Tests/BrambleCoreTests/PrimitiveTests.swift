#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import BrambleCore

/// Each primitive on the fake host and on a real folder under --root: change detection, idempotence,
/// atomicity, backups.
@Suite struct PrimitiveTests {
    static let everything = Policy(writeRoots: ["/"], programs: ["true", "false", "sh", "cat", "dracut", "exportfs", "systemctl", "rpm", "yum", "dnsmasq", "uname", "chmod", "rsync"], chrootRoots: ["/nfs"])

    func hosts() throws -> [(String, Host, Scratch?)] {
        let dir = try Scratch()
        return [("fake", try fixture("el7"), nil), ("local", LocalHost(root: dir.path), dir)]
    }

    @Test func writeFileDetectsChangesAndIsIdempotent() throws {
        for (kind, host, _) in try hosts() {
            let run = try runLua("""
                local a = bramble.write_file{path='/srv/x.conf', content='one\\n', mode='0640'}
                local b = bramble.write_file{path='/srv/x.conf', content='one\\n', mode='0640'}
                local c = bramble.write_file{path='/srv/x.conf', content='two\\n', mode='0640'}
                local d = bramble.write_file{path='/srv/x.conf', content='two\\n', mode='0600'}
                return a.status, b.status, c.status, d.status, c.diff
                """, host: host, policy: Self.everything)
            #expect(run.end == .success, "\(kind)")
            #expect(run.session.counts[.changed] == 3, "\(kind)")
            #expect(host.info("/srv/x.conf")?.mode == 0o600, "\(kind)")
            #expect(String(decoding: try host.read("/srv/x.conf"), as: UTF8.self) == "two\n", "\(kind)")
            let changed = run.records.filter { $0["action"]?.stringValue == "write_file" && $0["status"]?.stringValue == "changed" }
            #expect(changed[1]["before"]?.stringValue == Hashing.sha256(Array("one\n".utf8)), "\(kind)")
            #expect(changed[1]["backup"] != nil, "\(kind)")
        }
    }

    @Test func writeFileReturnsAUnifiedDiff() throws {
        let run = try runLua("""
            bramble.write_file{path='/srv/a', content='1\\n2\\n3\\n'}
            local r = bramble.write_file{path='/srv/a', content='1\\nTWO\\n3\\n'}
            assert(r.diff == '--- a/srv/a\\n+++ b/srv/a\\n@@ -1,3 +1,3 @@\\n 1\\n-2\\n+TWO\\n 3\\n', r.diff)
            """, host: try fixture("el7"), policy: Self.everything)
        #expect(run.end == .success)
    }

    @Test func aFailingValidatorLeavesTheOldFileIntact() throws {
        for (kind, host, _) in try hosts() {
            let run = try runLua("""
                bramble.write_file{path='/srv/d.conf', content='good\\n'}
                local ok, err = pcall(bramble.write_file, {path='/srv/d.conf', content='bad\\n', validate={'sh', '-c', 'grep -q good %s'}})
                assert(not ok and err:find('validation failed'), err)
                bramble.write_file{path='/srv/d.conf', content='good too\\n', validate={'sh', '-c', 'grep -q good %s'}}
                """, host: host, policy: Self.everything)
            #expect(run.end == .success, "\(kind): \(run.end)")
            #expect(String(decoding: try host.read("/srv/d.conf"), as: UTF8.self) == "good too\n")
            #expect(run.records.contains { $0["status"]?.stringValue == "failed" && $0["error"]?.stringValue?.contains("validation failed") == true })
        }
    }

    @Test func realDnsmasqChecksAGeneratedConfig() throws {
        guard LocalHost().hasProgram("dnsmasq") else { return }
        let run = try runLua("""
            local ok, err = pcall(bramble.write_file, {path='/etc/dnsmasq.d/x.conf', content='dhcp-range=nonsense-here\\n', validate={'dnsmasq', '--test', '-C', '%s'}})
            assert(not ok and err:find('validation failed'), err)
            bramble.write_file{path='/etc/dnsmasq.d/x.conf', content='port=0\\nenable-tftp\\ntftp-root=/srv/tftp\\n', validate={'dnsmasq', '--test', '-C', '%s'}}
            """, host: try fixture("el7"), policy: Self.everything)
        #expect(run.end == .success, "\(run.end)")
    }

    @Test func templatesRenderAsTextAndNameMissingValues() throws {
        let host = try fixture("el7")
        let run = try runLua("""
            bramble.template{path='/srv/t', source='a={{a}} b={{b}}\\n{{#nodes}}{{name}}@{{head}}\\n{{/nodes}}', values={a='x&y', b='<b>', head='m0', nodes={{name='s1'},{name='s2'}}}}
            local ok, err = pcall(bramble.template, {path='/srv/u', source='{{a}} {{missing}}', values={a=1}})
            assert(not ok and err:find("uses 'missing', which is missing from the values"), err)
            """, host: host, policy: Self.everything)
        #expect(run.end == .success, "\(run.end)")
        #expect(String(decoding: try host.read("/srv/t"), as: UTF8.self) == "a=x&y b=<b>\ns1@m0\ns2@m0\n")
        #expect(host.info("/srv/u") == nil)
    }

    /// Only the values a template names are taken from Lua; what it reaches through sections, dotted
    /// names and transforms must still be there, and a template that changes delimiters gets them all.
    @Test func templatesGetEveryValueTheyName() throws {
        #expect(TemplateRenderer.names(in: "a {{x}} {{#list}}{{name}}{{/list}} {{ y.z.w }} {{{raw}}} {{&amp}} {{^neg}}{{/neg}} {{uppercased(t.u)}}")
                == ["x", "list", "name", "y", "raw", "amp", "neg", "uppercased", "t"])
        #expect(TemplateRenderer.names(in: "{{=<% %>=}}<% x %>") == nil)
        let host = try fixture("el7")
        let run = try runLua("""
            local big = {}
            for i = 1, 1000 do big[i] = {name = 'n' .. i} end
            bramble.template{path='/srv/a', source='{{site.name}} {{#nodes}}{{name}}-{{cluster}} {{/nodes}}{{uppercased(head)}}\\n',
                             values={site={name='c1'}, nodes={{name='s1'}}, cluster='k', head='m0', unused=big}}
            bramble.template{path='/srv/b', source='{{=<% %>=}}<% x %> <%#list%><%.%><%/list%>\\n', values={x='1', list={'a', 'b'}}}
            """, host: host, policy: Self.everything)
        #expect(run.end == .success, "\(run.end)")
        #expect(String(decoding: try host.read("/srv/a"), as: UTF8.self) == "c1 s1-k M0\n")
        #expect(String(decoding: try host.read("/srv/b"), as: UTF8.self) == "1 ab\n")
    }

    @Test func directoryCopySymlinkLineInFileAndRemove() throws {
        for (kind, host, _) in try hosts() {
            let run = try runLua("""
                assert(bramble.directory{path='/srv/tree/sub', mode='0750'}.status == 'changed')
                assert(bramble.directory{path='/srv/tree/sub', mode='0750'}.status == 'ok')
                bramble.write_file{path='/srv/tree/sub/f', content='data\\n', mode='0600'}
                bramble.symlink{path='/srv/tree/link', target='sub/f'}
                assert(bramble.symlink{path='/srv/tree/link', target='sub/f'}.status == 'ok')
                assert(bramble.copy{src='/srv/tree', dest='/srv/copy'}.status == 'changed')
                assert(bramble.copy{src='/srv/tree', dest='/srv/copy'}.status == 'ok')
                bramble.write_file{path='/srv/cfg', content='# c\\nSELINUX=enforcing\\nX=1\\n'}
                assert(bramble.line_in_file{path='/srv/cfg', match='^SELINUX=', line='SELINUX=disabled'}.status == 'changed')
                assert(bramble.line_in_file{path='/srv/cfg', match='^SELINUX=', line='SELINUX=disabled'}.status == 'ok')
                assert(bramble.line_in_file{path='/srv/cfg', line='add_dracutmodules+="nfs"'}.status == 'changed')
                assert(bramble.remove{path='/srv/tree'}.status == 'changed')
                assert(bramble.remove{path='/srv/tree'}.status == 'ok')
                """, host: host, policy: Self.everything)
            #expect(run.end == .success, "\(kind): \(run.end)")
            #expect(host.info("/srv/copy/sub")?.mode == 0o750, "\(kind)")
            #expect(host.info("/srv/copy/sub/f")?.mode == 0o600, "\(kind)")
            #expect(try host.readLink("/srv/copy/link") == "sub/f", "\(kind)")
            #expect(String(decoding: try host.read("/srv/cfg"), as: UTF8.self) == "# c\nSELINUX=disabled\nX=1\nadd_dracutmodules+=\"nfs\"\n", "\(kind)")
            #expect(host.info("/srv/tree") == nil, "\(kind)")
            let removal = run.records.first { $0["action"]?.stringValue == "remove" && $0["status"]?.stringValue == "changed" }
            #expect(removal?["before_tree"] != nil, "\(kind)")
        }
    }

    @Test func runHonoursCreatesAndReturnsOutput() throws {
        let dir = try Scratch()
        let run = try runLua("""
            local r = bramble.run{'sh', '-c', 'echo out; echo err >&2; touch "$1"', 'x', '\(dir.path)/made', creates='/made'}
            assert(r.status == 'changed' and r.exit == 0 and r.stdout == 'out\\n' and r.stderr == 'err\\n', r.stderr)
            assert(bramble.run{'sh', '-c', 'exit 1', creates='/made'}.status == 'ok')
            local ok, err = pcall(bramble.run, {'sh', '-c', 'echo boom >&2; exit 3'})
            assert(not ok and err:find("exited 3: boom"), err)
            assert(bramble.run{'false', check=false}.exit == 1)
            local t = bramble.run{'sh', '-c', 'sleep 5', timeout=0.2, check=false}
            assert(t.exit == 124, t.exit)
            """, host: LocalHost(root: dir.path), policy: Self.everything)
        #expect(run.end == .success, "\(run.end)")
    }

    @Test func chrootBindsAndAlwaysUnbinds() throws {
        guard LocalHost().hasProgram("busybox"), getuid() == 0 else { return }
        let dir = try Scratch()
        try dir.mkdir("/nfs/bin")
        let image = LocalHost(root: dir.path)
        // copied by cp(1), not written from this process: a parallel test's fork could otherwise hold
        // our write descriptor open and make exec fail with ETXTBSY
        _ = try ProcessRunner.run(CommandSpec(argv: ["cp", "/bin/busybox", dir.path + "/nfs/bin/busybox"]))
        try image.makeSymlink("/nfs/bin/sh", target: "busybox")
        let run = try runLua("""
            local r = bramble.chroot{root='/nfs', '/bin/sh', '-c', 'test -e /proc/self/status && echo bound'}
            assert(r.stdout == 'bound\\n', r.stdout .. r.stderr)
            local ok, err = pcall(bramble.chroot, {root='/nfs', '/bin/sh', '-c', 'exit 7'})
            assert(not ok and err:find('exited 7'), err)
            """, host: image, policy: Policy(writeRoots: ["/nfs"], programs: ["/bin/sh"], chrootRoots: ["/nfs"]))
        #expect(run.end == .success, "\(run.end)")
        let mounts = String(decoding: try LocalHost().read("/proc/self/mounts"), as: UTF8.self)
        #expect(!mounts.contains(dir.path), "bind mounts left behind: \(mounts)")
        #expect(try image.list("/nfs/proc").isEmpty)
    }

    @Test func dracutExportfsServicePackageOnTheFakeHost() throws {
        let host = try fixture("el7")
        let policy = Policy(writeRoots: ["/"], programs: ["dracut", "exportfs", "systemctl", "rpm", "yum"], chrootRoots: ["/nfs"])
        let script = """
            local k = bramble.kernels()[1]
            assert(k == '3.10.0-1160.el7.x86_64', k)
            bramble.package{manager='yum', names={'nfs-utils', 'dnsmasq'}}
            bramble.directory{path='/srv/tftp'}
            bramble.directory{path='/nfs'}
            bramble.dracut{output='/srv/tftp/initramfs-' .. k .. '.img', kver=k, add={'nfs'}}
            bramble.exportfs{entries={{path='/nfs', clients='172.25.2.0/24', options='rw,async,no_root_squash'}}}
            bramble.service{name='nfs', enabled=true, state='started'}
            bramble.package{manager='yum', root='/nfs', release='/', names={'@Base', 'kernel'}}
            bramble.service{name='rc-local', enabled=true, root='/nfs'}
            """
        let first = try runLua(script, host: host, policy: policy)
        #expect(first.end == .success, "\(first.end)")
        #expect(host.info("/srv/tftp/initramfs-3.10.0-1160.el7.x86_64.img")?.mode == 0o644)
        #expect(String(decoding: try host.read("/etc/exports"), as: UTF8.self).contains("/nfs\t172.25.2.0/24(rw,async,no_root_squash)"))
        #expect(host.commands.contains { $0.argv == ["exportfs", "-ra"] })
        #expect(host.info("/etc/systemd/system/multi-user.target.wants/nfs.service") != nil)
        #expect(host.info("/nfs/etc/systemd/system/multi-user.target.wants/rc-local.service") != nil)
        let second = try runLua(script, host: host, policy: policy)
        #expect(second.end == .success, "\(second.end)")
        #expect(second.session.counts[.changed, default: 0] == 0, "second run changed: \(second.actions)")
    }

    @Test func badArgumentsNameThePrimitiveAndTheArgument() throws {
        let cases: [(String, String)] = [
            ("bramble.write_file{path='/srv/x', content='', mode=644}", "write_file: 'mode' must be an octal string like \"0644\", got number"),
            ("bramble.write_file{path='srv/x', content=''}", "write_file: 'path' must be an absolute path, got 'srv/x'"),
            ("bramble.write_file{path='/srv/x', contnet=''}", "write_file: unknown argument 'contnet' (did you mean 'content'?)"),
            ("bramble.write_file('/srv/x')", "write_file: expected a table argument, got string"),
            ("bramble.run{}", "run: needs a command"),
            ("bramble.service{name='x; rm -rf /'}", "service: 'name' must be a unit name"),
        ]
        for (source, expected) in cases {
            let run = try runLua(source, host: try fixture("el7"), policy: Self.everything)
            #expect(run.end.exitCode == 1, "\(source)")
            #expect(run.end.message?.contains("test.lua:1: " + expected) == true, "\(run.end.message ?? "")")
        }
    }
}
