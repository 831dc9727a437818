import ArgumentParser
import BrambleCore
import LuaKit

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run any Lua script in the sandbox, with the bramble API.",
        discussion: """
            The policy is closed by default: the script may write nothing and run nothing until the \
            operator opens it with --allow-write, --allow-run and --allow-chroot. A script can never \
            widen its own policy.

            Example:
              bramble run examples/hello/hello.lua --root /tmp/stage --allow-write /srv/demo --allow-run uname
            """
    )

    @Argument(help: "The Lua script to run.")
    var script: String

    @Option(name: .customLong("allow-write"), help: ArgumentHelp("A subtree the script may write (repeatable).", valueName: "PATH"))
    var allowWrite: [String] = []

    @Option(name: .customLong("allow-run"), help: ArgumentHelp("A program name or absolute path the script may run (repeatable).", valueName: "PROGRAM"))
    var allowRun: [String] = []

    @Option(name: .customLong("allow-chroot"), help: ArgumentHelp("An image root the script may chroot into (repeatable).", valueName: "PATH"))
    var allowChroot: [String] = []

    @Flag(help: "Plan only: read the real machine, write nothing, print every action with diffs.")
    var plan = false

    @Option(help: ArgumentHelp("Run on a fake host seeded from a fixture (el7, el9, debian12, or a folder).", valueName: "FIXTURE"))
    var fake: String?

    @Flag(help: "Print the run's audit records as JSON Lines (the last one is the summary).")
    var json = false

    @OptionGroup var hostOptions: HostOptions

    func validate() throws {
        for path in allowWrite + allowChroot where !path.hasPrefix("/") {
            throw ValidationError("'\(path)' must be an absolute path")
        }
        if plan && fake != nil { throw ValidationError("--plan and --fake exclude each other") }
    }

    func run() throws {
        let policy = Policy(writeRoots: allowWrite, programs: allowRun, chrootRoots: allowChroot)
        let source: [UInt8]
        switch ScriptRunner.readScript(script) {
        case .success(let data): source = data
        case .failure(let end): finish(end)
        }
        let context = try RunContext.make(hostOptions: hostOptions, plan: plan, fake: fake, policy: policy, command: "run", subject: script)
        context.session.audit.keepRecords = plan || json
        let folder = LogicalPathText.folder(of: script)
        let runner: ScriptRunner
        do {
            runner = try ScriptRunner(session: context.session, limits: try hostOptions.limits(), stdlib: StdlibLocator.find(), scriptFolder: folder)
        } catch {
            finish(.badInput("cannot start Lua: \(error)"))
        }
        let result = runner.run(source: source, chunkName: "@" + script)
        let end: RunEnd
        switch result {
        case .success: end = .success
        case .failure(let e): end = e
        }
        if json {
            for record in context.session.audit.records { Terminal.out(record.serialized() + "\n") }
        } else if plan {
            context.printPlan()
        }
        context.close(end: end, runner: runner, json: json)
        finish(end)
    }
}
