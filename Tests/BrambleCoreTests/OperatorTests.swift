import Testing
@testable import BrambleCore

/// log, --why, undo, JSON output and colour, through the executable.
@Suite struct OperatorTests {
    func bramble(_ args: [String], env: [String: String] = [:]) throws -> (exit: Int32, out: String, err: String) {
        let r = try ProcessRunner.run(CommandSpec(argv: [CLITests.binary] + args, environment: env, timeout: 60))
        return (r.exitCode, r.stdoutText, r.stderrText)
    }

    /// Two runs that each change /etc/exports, under a staged root.
    func twoExportRuns(_ dir: Scratch) throws -> (first: String, second: String) {
        try dir.write("/etc/exports", "/old *(ro)\n")
        try dir.write("/one.lua", "bramble.exportfs{entries={{path='/nfs', clients='10.0.0.0/24', options='rw'}}, reload=false}\n")
        try dir.write("/two.lua", "-- the second run\nbramble.exportfs{entries={{path='/nfs', clients='10.0.0.0/24', options='rw,async'}}, reload=false}\n")
        var ids: [String] = []
        for script in ["/one.lua", "/two.lua"] {
            let r = try bramble(["run", dir.path + script, "--root", dir.path, "--allow-write", "/etc/exports", "--json"])
            #expect(r.exit == 0, "\(r.err)")
            let last = try JSON.parse(String(r.out.split(separator: "\n").last ?? ""))
            ids.append(last["run"]?.stringValue ?? "")
        }
        return (ids[0], ids[1])
    }

    @Test func whyNamesTheLastRunItsLuaLineAndTheDiff() throws {
        let dir = try Scratch()
        let (_, second) = try twoExportRuns(dir)
        let r = try bramble(["log", "--root", dir.path, "--why", "/etc/exports"])
        #expect(r.exit == 0)
        #expect(r.out.contains("last changed by run \(second)"))
        #expect(r.out.contains("from \(dir.path)/two.lua:2"))
        #expect(r.out.contains("-/nfs\t10.0.0.0/24(rw)\n+/nfs\t10.0.0.0/24(rw,async)"))
        let runs = try bramble(["log", "--root", dir.path])
        #expect(runs.out.split(separator: "\n").count == 2)
        let one = try bramble(["log", second, "--root", dir.path, "--json"])
        #expect(try one.out.split(separator: "\n").allSatisfy { try JSON.parse(String($0))["run"]?.stringValue == second })
    }

    @Test func undoRestoresByteForByteAndRefusesALaterChange() throws {
        let dir = try Scratch()
        let (first, second) = try twoExportRuns(dir)
        // without --yes and without a terminal it refuses to act
        #expect(try bramble(["undo", second, "--root", dir.path]).exit == 2)
        // undoing the first run conflicts: the second changed the file since
        let refused = try bramble(["undo", first, "--root", dir.path, "--yes"])
        #expect(refused.exit == 1)
        #expect(refused.err.contains("changed since run \(first): /etc/exports"))
        let afterSecond = dir.read("/etc/exports")
        #expect(afterSecond?.contains("rw,async") == true)
        // undo the second, then the first: back to the original bytes
        #expect(try bramble(["undo", second, "--root", dir.path, "--yes"]).exit == 0)
        #expect(try bramble(["undo", first, "--root", dir.path, "--yes"]).exit == 0)
        #expect(dir.read("/etc/exports") == "/old *(ro)\n")
    }

    @Test func jsonOutputParsesAndHasTheDocumentedFields() throws {
        let out = try Scratch()
        let render = try bramble(["render", "examples/seed-centos7/site.lua", "--out", out.path + "/out", "--json"])
        #expect(render.exit == 0, "\(render.err)")
        let records = try render.out.split(separator: "\n").filter { $0.hasPrefix("{") }.map { try JSON.parse(String($0)) }
        #expect(records.first?["action"]?.stringValue == "start")
        #expect(records.last?["action"]?.stringValue == "end")
        for record in records {
            for field in ["v", "run", "seq", "ts", "action", "status"] { #expect(record[field] != nil, "\(field) missing in \(record.serialized())") }
        }
        #expect(records.dropFirst().dropLast().allSatisfy { $0["origin"] != nil && $0["step"] != nil })
        let valid = try JSON.parse(try bramble(["validate", "examples/seed-centos7/site.lua", "--json"]).out)
        #expect(valid["valid"] == .bool(true))
        let tests = try JSON.parse(try bramble(["test", "examples/seed-centos7", "--json"]).out)
        #expect(tests["failed"]?.intValue == 0)
        #expect((tests["passed"]?.intValue ?? 0) > 0)
    }

    @Test func colourOnlyOnATerminalAndNeverWithNoColor() throws {
        guard LocalHost().hasProgram("script") else { return }
        let dir = try Scratch()
        let (_, second) = try twoExportRuns(dir)
        let command = "\(CLITests.binary) log \(second) --root \(dir.path)"
        let coloured = try ProcessRunner.run(CommandSpec(argv: ["script", "-qc", command, "/dev/null"], timeout: 30))
        #expect(coloured.stdoutText.contains("\u{1b}[33m"))
        let plain = try ProcessRunner.run(CommandSpec(argv: ["script", "-qc", command, "/dev/null"], environment: ["NO_COLOR": "1"], timeout: 30))
        #expect(!plain.stdoutText.contains("\u{1b}["))
        #expect(plain.stdoutText.contains("changed"))
        let piped = try bramble(["log", second, "--root", dir.path])
        #expect(!piped.out.contains("\u{1b}["))
    }
}

@Suite struct InitTests {
    @Test(arguments: ["el7", "el9", "debian12"])
    func theStarterValidatesRendersAndPassesItsSpec(family: String) throws {
        let dir = try Scratch()
        let site = dir.path + "/mycluster"
        func bramble(_ args: [String]) throws -> CommandResult {
            try ProcessRunner.run(CommandSpec(argv: [CLITests.binary] + args, timeout: 120))
        }
        let created = try bramble(["init", site, "--family", family, "--json"])
        #expect(created.exitCode == 0, "\(created.stderrText)")
        let files = try JSON.parse(created.stdoutText)["created"]
        #expect(files?.serialized().contains("site.lua") == true)
        let luarc = dir.read("/mycluster/.luarc.json") ?? ""
        #expect(luarc.contains(packageRoot + "/stdlib/types") && !luarc.contains("@STDLIB@"))
        #expect(try bramble(["validate", site + "/site.lua"]).exitCode == 0)
        #expect(try bramble(["render", site + "/site.lua", "--out", dir.path + "/out"]).exitCode == 0)
        let spec = try bramble(["test", site])
        #expect(spec.exitCode == 0, "\(spec.stdoutText)")
        #expect(spec.stdoutText.contains(" passed, 0 failed"))
        // never over an existing, non-empty folder
        #expect(try bramble(["init", site, "--family", family]).exitCode == 2)
        #expect(try bramble(["init", dir.path + "/x", "--family", "gentoo"]).exitCode == 2)
    }
}
