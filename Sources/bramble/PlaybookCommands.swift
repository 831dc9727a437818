import ArgumentParser
import BrambleCore
import LuaKit

/// What apply, plan, render and validate share.
struct PlaybookArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("The site file (site.lua) describing the cluster.", valueName: "SITE"))
    var site: String

    @Option(help: ArgumentHelp("A bundled playbook name or a playbook file.", valueName: "NAME|FILE"))
    var playbook: String = "diskless"

    @Option(help: ArgumentHelp("The hooks file. Default: the site's `hooks` field, else hooks.lua beside the site.", valueName: "FILE"))
    var hooks: String?

    @Option(help: ArgumentHelp("Run only this step (repeatable).", valueName: "STEP"))
    var only: [String] = []

    @Option(help: ArgumentHelp("Skip this step (repeatable).", valueName: "STEP"))
    var skip: [String] = []

    @Flag(help: "Machine-readable output: the run's audit records as JSON Lines, then a summary object.")
    var json = false

    func options(mode: String) -> PlaybookOptions {
        PlaybookOptions(sitePath: site, playbook: playbook, hooksPath: hooks, mode: mode, only: only, skip: skip)
    }
}

/// Runs the playbook on the host of `context` and reports; returns how the run ended.
func runPlaybook(_ args: PlaybookArguments, mode: String, context: RunContext, limits: LuaLimits, printPlan: Bool) throws -> RunEnd {
    context.session.audit.keepRecords = printPlan || args.json
    let driver: PlaybookDriver
    do {
        driver = try PlaybookDriver(options: args.options(mode: mode), session: context.session, limits: limits, stdlib: StdlibLocator.find())
    } catch {
        return .badInput("cannot start Lua: \(error)")
    }
    let end: RunEnd
    switch driver.run() {
    case .done: end = .success
    case .ended(let e): end = e
    case .problems(let problems):
        if args.json && mode == "validate" {
            Terminal.out(JSON.object([("site", .string(args.site)), ("valid", .bool(false)), ("problems", .array(problems.map(\.json)))]).serialized() + "\n")
            throw ExitCode(2)
        }
        let list = problems.map(\.description).joined(separator: "\n")
        end = .badInput("\(problems.count) problem(s) in \(args.site):\n" + list)
    }
    if args.json && mode == "validate" {
        if end == .success { Terminal.out(JSON.object([("site", .string(args.site)), ("valid", .bool(true)), ("problems", .array([]))]).serialized() + "\n") }
    } else if args.json {
        for record in context.session.audit.records { Terminal.out(record.serialized() + "\n") }
    } else if printPlan {
        context.printPlan()
    }
    context.close(end: end, runner: driver.runner, json: args.json && mode != "validate")
    keepUntilExit(driver)
    return end
}

struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Set up this machine (or the folder given by --root) as the site's head node.",
        discussion: """
            Without --yes it first shows the plan and asks. Every action is logged; a second apply changes nothing.

            Example:
              bramble apply examples/seed-centos7/site.lua --root /tmp/stage --yes
            """
    )
    @OptionGroup var playbook: PlaybookArguments
    @OptionGroup var hostOptions: HostOptions
    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    func run() throws {
        let limits = try hostOptions.limits()
        if !yes {
            guard isatty(0) == 1 else { finish(.badInput("apply asks before it acts: pass --yes when not at a terminal (see the plan with `bramble plan`)")) }
            var quiet = hostOptions
            quiet.log = "/dev/null"
            let preview = try RunContext.make(hostOptions: quiet, plan: true, fake: nil, policy: .closed, command: "plan", subject: playbook.site, mayDeclarePolicy: true)
            let end = try runPlaybook(playbook, mode: "plan", context: preview, limits: limits, printPlan: true)
            if end != .success { finish(end) }
            Terminal.out("Apply these changes? [y/N] ")
            guard let answer = readLine(), answer.lowercased().hasPrefix("y") else {
                Terminal.out("nothing applied\n")
                return
            }
        }
        let context = try RunContext.make(hostOptions: hostOptions, plan: false, fake: nil, policy: .closed, command: "apply", subject: playbook.site, mayDeclarePolicy: true)
        finish(try runPlaybook(playbook, mode: "apply", context: context, limits: limits, printPlan: false))
    }
}

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would do here: every step, every file with a diff, every command. Changes nothing.",
        discussion: """
            The plan is apply run on an overlay of this machine: it reads the real files, writes into memory, and \
            runs no command that changes anything (read-only probes such as `systemctl is-enabled` do run). \
            A command whose effect cannot be predicted is reported `unknown`.

            Example:
              bramble plan examples/seed-centos7/site.lua --root /tmp/stage
            """
    )
    @OptionGroup var playbook: PlaybookArguments
    @OptionGroup var hostOptions: HostOptions

    func run() throws {
        let context = try RunContext.make(hostOptions: hostOptions, plan: true, fake: nil, policy: .closed, command: "plan", subject: playbook.site, mayDeclarePolicy: true)
        finish(try runPlaybook(playbook, mode: "plan", context: context, limits: try hostOptions.limits(), printPlan: true))
    }
}

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a site file (and its hooks): every problem, with file:line, node and field. Exit 2 if any.",
        discussion: """
            Example:
              bramble validate examples/seed-centos7/site.lua
            """
    )
    @OptionGroup var playbook: PlaybookArguments
    @OptionGroup var hostOptions: HostOptions

    func run() throws {
        var options = hostOptions
        options.log = options.log ?? "/dev/null"
        let context = try RunContext.make(hostOptions: options, host: .fake(FakeHost()), policy: .closed, command: "validate",
                                          subject: playbook.site, quiet: true)
        let end = try runPlaybook(playbook, mode: "validate", context: context, limits: try hostOptions.limits(), printPlan: false)
        if end == .success && !playbook.json { Terminal.out("\(playbook.site): valid\n") }
        finish(end)
    }
}

#if canImport(Glibc)
import Glibc
#endif
