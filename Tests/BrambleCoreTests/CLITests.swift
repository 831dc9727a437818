import Testing
@testable import BrambleCore

/// The `bramble` executable as a user runs it: exit codes, messages, the audit log file.
@Suite struct CLITests {
    /// The bramble built with these tests: beside the test bundle (.build/debug, or --scratch-path's).
    static let binary: String = {
        let runner = (try? LocalHost().readLink("/proc/self/exe")) ?? packageRoot + "/.build/debug/x"
        return LogicalPath.parent(runner) + "/bramble"
    }()

    struct Outcome {
        let exit: Int32
        let stdout: String
        let stderr: String
    }

    func bramble(_ args: [String], timeout: Double = 60) throws -> Outcome {
        let r = try ProcessRunner.run(CommandSpec(argv: [Self.binary] + args, timeout: timeout))
        return Outcome(exit: r.exitCode, stdout: r.stdoutText, stderr: r.stderrText)
    }

    func script(_ dir: Scratch, _ source: String) throws -> String {
        try dir.write("/script.lua", source)
        return dir.path + "/script.lua"
    }

    @Test func exitCodesFollowTheContract() throws {
        let dir = try Scratch()
        let log = ["--log", dir.path + "/log.jsonl", "--root", dir.path]
        #expect(try bramble(["run", try script(dir, "print('fine')")] + log).exit == 0)
        let failed = try bramble(["run", try script(dir, "local x = nil\nx.y = 1")] + log)
        #expect(failed.exit == 1)
        #expect(failed.stderr.contains("script.lua:2: attempt to index a nil value"))
        #expect(failed.stderr.contains("stack traceback"))
        let syntax = try bramble(["run", try script(dir, "if then")] + log)
        #expect(syntax.exit == 2)
        #expect(syntax.stderr.contains("script.lua:1:"))
        #expect(try bramble(["run", dir.path + "/missing.lua"] + log).exit == 2)
        #expect(try bramble(["run", "--allow-write", "relative", try script(dir, "")] + log).exit == 64)
        let denied = try bramble(["run", try script(dir, "bramble.write_file{path='/etc/x', content=''}")] + log)
        #expect(denied.exit == 3)
        #expect(denied.stderr.contains("refused by the sandbox"))
        let limit = try bramble(["run", try script(dir, "while true do end"), "--max-instructions", "100000"] + log)
        #expect(limit.exit == 4)
        #expect(limit.stderr.contains("limit reached: instruction budget exhausted"))
    }

    @Test func binaryChunksAreBadInput() throws {
        let dir = try Scratch()
        try dir.write("/bin.lua", "\u{1b}LuaT\u{0}")
        let r = try bramble(["run", dir.path + "/bin.lua", "--log", dir.path + "/log.jsonl"])
        #expect(r.exit == 2)
        #expect(r.stderr.contains("binary"))
    }

    @Test func theLogFileHasAStartAndAnEndRecord() throws {
        let dir = try Scratch()
        let r = try bramble(["run", try script(dir, "bramble.write_file{path='/srv/x', content='1'}"), "--root", dir.path, "--allow-write", "/srv"])
        #expect(r.exit == 0, "\(r.stderr)")
        let logs = try LocalHost().list(dir.path + "/var/log/bramble")
        #expect(logs.count == 1)
        let records = try AuditLog.read(path: dir.path + "/var/log/bramble/" + logs[0])
        #expect(records.first?["action"]?.stringValue == "start")
        #expect(records.first?["policy"]?["write"] == .array([.string("/srv")]))
        #expect(records.last?["action"]?.stringValue == "end")
        #expect(records.last?["summary"]?["changed"]?.intValue == 1)
        #expect(dir.read("/srv/x") == "1")
    }

    @Test(arguments: [
        "while true do pcall(function() while true do end end) end",
        "local t = {} while true do t[#t + 1] = string.rep('x', 1024) end",
        "local s = 'x' while true do s = s .. s end",
        "local function f() return f() + 1 end f()",
        "local co = coroutine.wrap(function() while true do coroutine.yield() end end) while true do co() end",
        "setmetatable({}, {__gc = function() while true do end end})",
        "string.rep('a', 1e6):find(string.rep('a?', 1e3) .. string.rep('a', 1e3))",
        "load(string.dump(print))",
        "getmetatable('').__index.rep = nil",
        "require('io')",
        "bramble.run{'sh', '-c', 'rm -rf /'}",
        "bramble.write_file{path='/srv/../etc/shadow', content=''}",
        "bramble.chroot{root='/', 'sh'}",
        "bramble.declare_policy{write={'/'}}",
        "error(setmetatable({}, {__tostring = function() while true do end end}))",
    ])
    func hostileScriptsEndCleanly(source: String) throws {
        let dir = try Scratch()
        let r = try bramble(["run", try script(dir, source), "--root", dir.path, "--allow-write", "/srv", "--max-instructions", "20000000",
                             "--max-memory", "64M", "--timeout", "5"], timeout: 30)
        #expect(r.exit != 0 && r.exit < 64, "exit \(r.exit): \(r.stderr)")
        #expect(r.stderr.contains("bramble:"), "\(r.stderr)")
        #expect(!dir.exists("/etc/shadow"))
    }
}
