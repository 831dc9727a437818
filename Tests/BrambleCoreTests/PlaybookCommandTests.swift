import Testing
@testable import BrambleCore

/// apply, plan, render and validate as a user meets them.
@Suite struct PlaybookCommandTests {
    func bramble(_ args: [String]) throws -> (exit: Int32, out: String, err: String) {
        let r = try ProcessRunner.run(CommandSpec(argv: [CLITests.binary] + args, timeout: 120))
        return (r.exitCode, r.stdoutText, r.stderrText)
    }

    static let seed = packageRoot + "/examples/seed-centos7/site.lua"

    @Test func validateListsEveryProblemWithFileLineNodeAndField() throws {
        let dir = try Scratch()
        try dir.write("/site.lua", """
            return {
              family = "el7",
              head = { name = "m0", ip = "10.0.0.1", interface = "eth0" },
              network = { subnet = "10.0.0.0/24", dynamic_range = { "10.0.0.100", "10.0.0.50" } },
              nodes = {
                { name = "s1", mac = "52:54:00:00:00:01", ip = "10.0.0.1" },
                { name = "s2", mac = "52:54:00:00:00:01", ip = "10.0.0.3", colour = "blue" },
              },
              netwrok = {},
            }
            """)
        let r = try bramble(["validate", dir.path + "/site.lua"])
        #expect(r.exit == 2)
        for expected in ["site.lua:6: node s1", "head's address", "site.lua:7: node s2", "already used by s1", "netwrok", "did you mean", "dynamic_range"] {
            #expect(r.err.contains(expected), "missing '\(expected)' in:\n\(r.err)")
        }
    }

    @Test func aSiteThatFailsToLoadIsBadInputWithItsLine() throws {
        let dir = try Scratch()
        try dir.write("/site.lua", "local x = nil\nreturn { family = x.y }\n")
        let r = try bramble(["validate", dir.path + "/site.lua"])
        #expect(r.exit == 2)
        #expect(r.err.contains("site.lua:2:"))
        try dir.write("/site.lua", "return 42\n")
        #expect(try bramble(["validate", dir.path + "/site.lua"]).err.contains("must return a table"))
    }

    @Test func unknownStepsInOnlyOrSkipAreNamed() throws {
        let stage = try Scratch()
        let r = try bramble(["plan", Self.seed, "--root", stage.path, "--only", "dnsmaq"])
        #expect(r.exit == 2)
        #expect(r.err.contains("dnsmaq") && r.err.contains("did you mean 'dnsmasq'"))
    }

    @Test func applyAsksBeforeActingAndNeverWithoutATerminal() throws {
        let stage = try Scratch()
        let r = try bramble(["apply", Self.seed, "--root", stage.path])
        #expect(r.exit == 2)
        #expect(r.err.contains("--yes"))
        #expect(try LocalHost().list(stage.path).isEmpty)
    }

    @Test func aPlaybookFileCanBeGivenAndOnlyItsPolicyApplies() throws {
        let dir = try Scratch()
        try dir.write("/book.lua", """
            return {
              name = "tiny",
              steps = {
                { name = "motd", run = function(ctx) bramble.write_file{ path = "/etc/motd", content = "cluster " .. ctx.site.name .. "\\n" } end },
                { name = "sneaky", run = function() bramble.write_file{ path = "/etc/shadow", content = "" } end },
              },
              policy = function() return { write = { "/etc/motd" }, run = {}, chroot = {} } end,
            }
            """)
        let stage = try Scratch()
        let ok = try bramble(["apply", Self.seed, "--playbook", dir.path + "/book.lua", "--root", stage.path, "--yes", "--skip", "sneaky"])
        #expect(ok.exit == 0, "\(ok.err)")
        #expect(stage.read("/etc/motd") == "cluster seed\n")
        let denied = try bramble(["apply", Self.seed, "--playbook", dir.path + "/book.lua", "--root", stage.path, "--yes"])
        #expect(denied.exit == 3)
        #expect(!stage.exists("/etc/shadow"))
        // the second apply changed nothing before it was refused
        #expect(denied.err.contains("0 changed"))
    }

    @Test func renderRefusesAFolderThatIsNotAnEarlierRender() throws {
        let dir = try Scratch()
        try dir.write("/precious.txt", "keep me")
        let r = try bramble(["render", Self.seed, "--out", dir.path])
        #expect(r.exit == 2)
        #expect(dir.read("/precious.txt") == "keep me")
        let out = dir.path + "/render"
        #expect(try bramble(["render", Self.seed, "--out", out]).exit == 0)
        // a render left in the review folder is replaced, not mixed in
        try dir.write("/render/etc/stale.conf", "from an earlier render")
        // and the leftovers of a render killed while it removed the one before it are cleaned up too
        try dir.write("/.render.bramble-old-99999/etc/x", "half removed")
        #expect(try bramble(["render", Self.seed, "--out", out]).exit == 0)
        #expect(dir.read("/render/etc/dnsmasq.d/seed.conf")?.contains("dhcp-host=52:54:00:25:02:02,s1,172.25.2.102") == true)
        #expect(dir.read("/render/commands.log")?.contains("exportfs -ra") == true)
        #expect(!dir.exists("/render/etc/stale.conf"))
        #expect(try LocalHost().list(dir.path) == ["precious.txt", "render"])
    }
}
