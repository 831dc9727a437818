import Testing
@testable import BrambleCore

@Suite struct UndoAndPlanTests {
    static let policy = Policy(writeRoots: ["/srv", "/etc"], programs: ["true"])

    @Test func undoRestoresByteForByteAndRemovesWhatTheRunCreated() throws {
        let dir = try Scratch()
        let original = "old\u{0}binary\u{1}content\n"
        try dir.write("/etc/app.conf", original, mode: 0o640)
        try dir.write("/etc/gone.conf", "keep me\n", mode: 0o600)
        let host = LocalHost(root: dir.path)
        let run = try runLua("""
            bramble.write_file{path='/etc/app.conf', content='new\\n', mode='0644'}
            bramble.write_file{path='/srv/new/file', content='fresh\\n'}
            bramble.remove{path='/etc/gone.conf'}
            bramble.directory{path='/srv/d/e'}
            bramble.symlink{path='/srv/link', target='/etc/app.conf'}
            bramble.copy{src='/srv/d', dest='/srv/nodes/n1/var'}
            """, host: host, policy: Self.policy)
        #expect(run.end == .success)
        let undo = Undo(host: host)
        let steps = undo.plan(run.records)
        #expect(!steps.contains { $0.kind == .conflict })
        _ = try undo.apply(steps)
        #expect(dir.read("/etc/app.conf") == original)
        #expect(host.info("/etc/app.conf")?.mode == 0o640)
        #expect(dir.read("/etc/gone.conf") == "keep me\n")
        #expect(host.info("/etc/gone.conf")?.mode == 0o600)
        #expect(!dir.exists("/srv/new/file"))
        #expect(!dir.exists("/srv/d"))
        #expect(!dir.exists("/srv/link"))
        #expect(!dir.exists("/srv/nodes"))
    }

    @Test func undoRefusesAFileChangedSinceTheRun() throws {
        let dir = try Scratch()
        try dir.write("/etc/exports", "/old *(ro)\n")
        let host = LocalHost(root: dir.path)
        let run = try runLua("bramble.write_file{path='/etc/exports', content='/nfs *(rw)\\n'}", host: host, policy: Self.policy)
        try dir.write("/etc/exports", "/edited-by-hand *(rw)\n")
        let steps = Undo(host: host).plan(run.records)
        #expect(steps.map(\.kind) == [.conflict])
        #expect(steps[0].path == "/etc/exports")
        _ = try Undo(host: host).apply(steps)
        #expect(dir.read("/etc/exports") == "/edited-by-hand *(rw)\n")
    }

    @Test func thePlanListsExactlyTheActionsApplyThenPerforms() throws {
        let dir = try Scratch()
        try dir.write("/etc/dracut.conf", "# dracut\n")
        try dir.write("/etc/sysconfig/selinux", "SELINUX=enforcing\n")
        let script = """
            bramble.line_in_file{path='/etc/dracut.conf', line='add_dracutmodules+="nfs"'}
            bramble.line_in_file{path='/etc/sysconfig/selinux', match='^SELINUX=', line='SELINUX=disabled'}
            bramble.directory{path='/srv/tftp/pxelinux.cfg'}
            bramble.write_file{path='/srv/tftp/pxelinux.cfg/default', content='DEFAULT node\\n'}
            -- a later step sees what an earlier one would have made
            assert(bramble.read_file('/srv/tftp/pxelinux.cfg/default') == 'DEFAULT node\\n')
            bramble.copy{src='/srv/tftp/pxelinux.cfg', dest='/srv/backup'}
            bramble.remove{path='/etc/sysconfig/selinux'}
            """
        let local = LocalHost(root: dir.path)
        let plan = try runLua(script, host: OverlayHost(base: local), policy: Self.policy)
        #expect(plan.end == .success, "\(plan.end)")
        // the plan wrote nothing
        #expect(!dir.exists("/srv/tftp"))
        #expect(dir.read("/etc/dracut.conf") == "# dracut\n")
        let apply = try runLua(script, host: local, policy: Self.policy)
        #expect(apply.end == .success, "\(apply.end)")
        #expect(plan.actions == apply.actions)
        #expect(plan.session.diffs.map(\.path) == apply.session.diffs.map(\.path))
        #expect(dir.read("/srv/backup/default") == "DEFAULT node\n")
        // and a second apply changes nothing
        let again = try runLua(script.replacingOccurrences(of: "bramble.remove{path='/etc/sysconfig/selinux'}", with: ""), host: local, policy: Self.policy)
        #expect(again.session.counts[.changed, default: 0] == 0, "\(again.actions)")
    }

    @Test func commandsInAPlanAreUnknownUnlessTheirEffectsAreDeclared() throws {
        let dir = try Scratch()
        let plan = try runLua("""
            assert(bramble.run{'true'}.status == 'unknown')
            assert(bramble.run{'true', effects={'/srv/out'}}.status == 'changed')
            assert(bramble.copy{src='/srv/out', dest='/srv/copy'}.status == 'unknown')
            """, host: OverlayHost(base: LocalHost(root: dir.path)), policy: Self.policy)
        #expect(plan.end == .success, "\(plan.end)")
        #expect(plan.records.contains { $0["action"]?.stringValue == "run" && $0["exit"] == nil })
    }

    @Test func theAuditLogIsValidJSONInOrderWithOriginsAndAHashChain() throws {
        let dir = try Scratch()
        let logPath = dir.path + "/audit.jsonl"
        let run = try runLua("""
            bramble.write_file{path='/srv/a', content='1'}
            pcall(bramble.write_file, {path='/root/x', content='1'})
            bramble.log('hello')
            pcall(bramble.run, {'id'})
            """, host: LocalHost(root: dir.path), policy: Self.policy, logPath: logPath)
        #expect(run.end == .success)
        let lines = String(decoding: try LocalHost().read(logPath), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 4)
        var previous: String?
        for (i, line) in lines.enumerated() {
            let record = try JSON.parse(String(line))
            #expect(record["seq"]?.intValue == Int64(i + 1))
            #expect(record["run"]?.stringValue == run.session.audit.runID)
            #expect(record["ts"]?.stringValue?.hasSuffix("Z") == true)
            #expect(record["origin"]?.stringValue == "test.lua:\(i + 1)")
            if let previous { #expect(record["prev"]?.stringValue == String(Hashing.sha256(Array(previous.utf8)).dropFirst(7).prefix(16))) }
            previous = String(line)
        }
        let statuses = try lines.map { try JSON.parse(String($0))["status"]?.stringValue ?? "" }
        #expect(statuses == ["changed", "denied", "ok", "denied"])
    }
}
