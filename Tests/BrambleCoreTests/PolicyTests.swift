import Testing
@testable import BrambleCore

@Suite struct PolicyTests {
    @Test func writeOutsideTheWriteRootsIsDeniedLoggedAndNotDone() throws {
        let dir = try Scratch()
        try dir.mkdir("/etc")
        let run = try runLua("bramble.write_file{path='/etc/passwd', content='root::0:0::/:/bin/sh\\n'}",
                             host: LocalHost(root: dir.path), policy: Policy(writeRoots: ["/srv"]))
        #expect(run.end.exitCode == 3)
        #expect(!dir.exists("/etc/passwd"))
        let denied = run.records.last { $0["status"]?.stringValue == "denied" }
        #expect(denied?["action"]?.stringValue == "write_file")
        #expect(denied?["path"]?.stringValue == "/etc/passwd")
        #expect(denied?["origin"]?.stringValue == "test.lua:1")
        #expect(denied?["reason"]?.stringValue?.contains("outside the write roots") == true)
    }

    @Test func dotDotCannotClimbOutOfTheRoot() throws {
        let dir = try Scratch()
        let outside = LogicalPath.name(dir.path) + "-escaped"
        let run = try runLua("bramble.write_file{path='/../../../../../../tmp/\(outside)', content='x'}",
                             host: LocalHost(root: dir.path), policy: Policy(writeRoots: ["/"]))
        #expect(run.end == .success)
        #expect(LocalHost().info("/tmp/\(outside)") == nil)
        #expect(dir.read("/tmp/\(outside)") == "x")
    }

    @Test func dotDotOutOfAWriteRootIsDenied() throws {
        let dir = try Scratch()
        try dir.mkdir("/srv/demo")
        let run = try runLua("bramble.write_file{path='/srv/demo/../../etc/cron.d/x', content='x'}",
                             host: LocalHost(root: dir.path), policy: Policy(writeRoots: ["/srv/demo"]))
        #expect(run.end.exitCode == 3)
        #expect(!dir.exists("/etc/cron.d/x"))
    }

    @Test func anAbsoluteSymlinkInsideTheRootResolvesInsideIt() throws {
        let dir = try Scratch()
        try dir.mkdir("/srv/demo")
        try dir.symlink("/srv/demo/link", to: "/tmp")
        let marker = "bramble-symlink-test-\(UInt32.random(in: 0...UInt32.max))"
        // the link points at the root's /tmp, which is outside the write roots: refused
        let denied = try runLua("bramble.write_file{path='/srv/demo/link/\(marker)', content='x'}",
                                host: LocalHost(root: dir.path), policy: Policy(writeRoots: ["/srv/demo"]))
        #expect(denied.end.exitCode == 3)
        #expect(denied.records.contains { $0["reason"]?.stringValue?.contains("outside the write roots") == true })
        // allowed everywhere in the root, it lands in the root's /tmp, never the machine's
        let allowed = try runLua("bramble.write_file{path='/srv/demo/link/\(marker)', content='x'}",
                                 host: LocalHost(root: dir.path), policy: Policy(writeRoots: ["/"]))
        #expect(allowed.end == .success)
        #expect(dir.read("/tmp/\(marker)") == "x")
        #expect(LocalHost().info("/tmp/\(marker)") == nil)
    }

    @Test func symlinksInsideAnImageResolveAsIfChrooted() throws {
        let dir = try Scratch()
        try dir.mkdir("/nfs/etc")
        try dir.mkdir("/etc")
        try dir.symlink("/nfs/var", to: "/etc")  // a hostile image: its /var points at "its" /etc
        let policy = Policy(writeRoots: ["/nfs"], chrootRoots: ["/nfs"])
        let run = try runLua("bramble.write_file{path='/nfs/var/passwd', content='image\\n'}", host: LocalHost(root: dir.path), policy: policy)
        #expect(run.end == .success)
        #expect(dir.read("/nfs/etc/passwd") == "image\n")
        #expect(!dir.exists("/etc/passwd"))
        // without the image root declared, the same link leads to the head's /etc: refused
        let undeclared = try runLua("bramble.write_file{path='/nfs/var/passwd', content='head\\n'}", host: LocalHost(root: dir.path),
                                    policy: Policy(writeRoots: ["/nfs"]))
        #expect(undeclared.end.exitCode == 3)
        #expect(!dir.exists("/etc/passwd"))
    }

    @Test func symlinkLoopsEndWithAClearError() throws {
        let dir = try Scratch()
        try dir.symlink("/srv/a", to: "/srv/b")
        try dir.symlink("/srv/b", to: "/srv/a")
        let run = try runLua("bramble.write_file{path='/srv/a/x', content='x'}", host: LocalHost(root: dir.path), policy: Policy(writeRoots: ["/srv"]))
        #expect(run.end.exitCode == 1)
        #expect(run.end.message?.contains("too many levels of symbolic links") == true)
    }

    @Test func programsNotAllowedAreDenied() throws {
        let run = try runLua("bramble.run{'id'}", host: try fixture("el7"), policy: Policy(programs: ["uname"]))
        #expect(run.end.exitCode == 3)
        #expect(run.records.last { $0["action"]?.stringValue == "run" }?["status"]?.stringValue == "denied")
        let sneaky = try runLua("bramble.run{'./uname'}", host: try fixture("el7"), policy: Policy(programs: ["uname"]))
        #expect(sneaky.end.exitCode == 3)
        let elsewhere = try runLua("bramble.run{'/tmp/uname', '-r'}", host: try fixture("el7"), policy: Policy(programs: ["uname"]))
        #expect(elsewhere.end.exitCode == 3)
        let ok = try runLua("assert(bramble.run{'/usr/bin/uname', '-r'}.exit == 0)", host: try fixture("el7"), policy: Policy(programs: ["uname"]))
        #expect(ok.end == .success)
    }

    @Test func chrootIntoAnUndeclaredRootIsDenied() throws {
        let run = try runLua("bramble.chroot{root='/', 'true'}", host: try fixture("el7"), policy: Policy(programs: ["true"], chrootRoots: ["/nfs"]))
        #expect(run.end.exitCode == 3)
        #expect(run.records.contains { $0["action"]?.stringValue == "chroot" && $0["status"]?.stringValue == "denied" })
    }

    @Test func credentialsCannotBeRead() throws {
        let host = try fixture("el7")
        host.fs.put("/etc/shadow", "root:$6$secret:19000::::::\n")
        let run = try runLua("return bramble.read_file('/etc/shadow')", host: host, policy: Policy(writeRoots: ["/"]))
        #expect(run.end.exitCode == 3)
        #expect(run.records.contains { $0["action"]?.stringValue == "read_file" && $0["status"]?.stringValue == "denied" })
        let copy = try runLua("bramble.copy{src='/etc/shadow', dest='/srv/tftp/shadow'}", host: host, policy: Policy(writeRoots: ["/"]))
        #expect(copy.end.exitCode == 3)
        #expect(host.info("/srv/tftp/shadow") == nil)
    }

    @Test func credentialPathsAreRecognised() {
        for path in ["/etc/shadow", "/etc/gshadow-", "/etc/ssh/ssh_host_ed25519_key", "/home/ann/.ssh", "/home/ann/.ssh/id_rsa",
                     "/nfs/root/.ssh/authorized_keys", "/etc/sudoers", "/etc/sudoers/extra", "/var/lib/bramble/backups/ab/cd"] {
            #expect(PolicyGuard.isCredential(path), "\(path)")
        }
        for path in ["/etc/shadowed", "/etc/ssh/sshd_config", "/home/ann/.sshx", "/home/ann/x.ssh/key", "/srv/.ss", "/", "/etc/sudoers.d"] {
            #expect(!PolicyGuard.isCredential(path), "\(path)")
        }
    }

    @Test func aScriptCannotDeclareItsOwnPolicy() throws {
        let run = try runLua("bramble.declare_policy{write={'/'}}", host: try fixture("el7"))
        #expect(run.end.exitCode == 3)
        let playbook = try runLua("bramble.declare_policy{write={'/srv'}} bramble.declare_policy{write={'/'}}", host: try fixture("el7"), declare: true)
        #expect(playbook.end.exitCode == 3)
        #expect(playbook.session.policy.writeRoots == ["/srv"])
    }

    @Test func aPolicyCannotBeDeclaredAfterTheRunHasActed() throws {
        let run = try runLua("pcall(bramble.write_file, {path='/srv/x', content=''}) bramble.declare_policy{write={'/'}}",
                             host: try fixture("el7"), declare: true)
        #expect(run.end.exitCode == 3)
        #expect(run.session.policy.writeRoots.isEmpty)
    }

    @Test func resolverHandlesDotsAndRelativeLinks() throws {
        let host = FakeHost()
        host.fs.ensureDirectory("/a/b")
        host.fs.set("/a/link", .symlink(target: "b/../b"))
        let r = PathResolver()
        #expect(try r.resolve("/a/./link/c", on: host) == "/a/b/c")
        #expect(try r.resolve("/a/link", on: host, followFinal: false) == "/a/link")
        #expect(try r.resolve("/../a//b/", on: host) == "/a/b")
        #expect(throws: PathResolver.Failure.notAbsolute("a/b")) { try r.resolve("a/b", on: host) }
    }

    @Test func cleanPathsAreRecognised() {
        for path in ["/", "/a", "/a/b", "/a/...", "/a/.b", "/a/b.", "/..a"] { #expect(LogicalPath.isClean(path), "\(path)") }
        for path in ["", "a", "//", "/a/", "/a//b", "/.", "/..", "/a/./b", "/a/../b", "/a/.", "/a/.."] { #expect(!LogicalPath.isClean(path), "\(path)") }
    }

    /// The fake host answers link-free paths in one walk; an overlay over it (not link-aware) takes
    /// the full component walk. Both must resolve every path alike, links and image roots included.
    @Test func theLinkFreeShortcutAgreesWithTheFullWalk() throws {
        let host = try fixture("el7")
        host.fs.ensureDirectory("/nfs/etc")
        host.fs.set("/nfs/abs", .symlink(target: "/etc"))
        host.fs.set("/nfs/etc/up", .symlink(target: "../../../etc"))
        host.fs.set("/srv/last", .symlink(target: "tftp"))
        host.fs.set("/srv/loop", .symlink(target: "loop"))
        let slow = OverlayHost(base: host)
        let resolver = PathResolver(imageRoots: ["/nfs"])
        for path in ["/", "/etc", "/etc/", "/nfs/abs/passwd", "/nfs/abs", "/nfs/etc/up/x", "/srv/last", "/srv/last/x", "/srv//tftp",
                     "/srv/./tftp", "/missing/a/b", "/srv/loop", "/srv/loop/x"] {
            for follow in [true, false] {
                let fast = Result { try resolver.resolve(path, on: host, followFinal: follow) }
                let full = Result { try resolver.resolve(path, on: slow, followFinal: follow) }
                #expect("\(fast)" == "\(full)", "\(path) followFinal: \(follow)")
            }
        }
        #expect(try resolver.resolve("/nfs/abs/passwd", on: host) == "/nfs/etc/passwd")
        #expect(try resolver.resolve("/srv/last", on: host, followFinal: false) == "/srv/last")
    }
}
