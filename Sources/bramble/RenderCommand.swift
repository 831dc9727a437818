import ArgumentParser
import BrambleCore

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Run the playbook on a fake head node and write every file it made to a folder for review.",
        discussion: """
            Nothing on this machine changes but the output folder: the fake host starts from the fixture of the \
            site's family (or --fixture) and answers commands with built-in fakes of dracut, yum/dnf, \
            debootstrap, rsync, exportfs and systemctl. DIR gets the files, folders and links the run made or \
            changed, commands.log (every command, in order) and audit.jsonl.

            Example:
              bramble render examples/seed-centos7/site.lua --out /tmp/seed
            """
    )
    @OptionGroup var playbook: PlaybookArguments
    @Option(help: ArgumentHelp("Where to write the result (created; an earlier render there is replaced).", valueName: "DIR"), transform: absolutePath)
    var out: String
    @Option(help: ArgumentHelp("Fixture of the fake head: el7, el9, debian12, or a folder. Default: the site's family.", valueName: "FIXTURE"))
    var fixture: String?
    @OptionGroup var hostOptions: HostOptions

    func run() throws {
        let stdlib = StdlibLocator.find()
        guard let name = fixture ?? SiteProbe.family(of: playbook.site, stdlib: stdlib) else {
            finish(.badInput("\(playbook.site): cannot tell the site's family; give --fixture"))
        }
        let host: FakeHost
        do { host = try FixtureLoader.load(name, stdlib: stdlib) } catch { finish(.badInput("fixture \(name): \(error)")) }
        let writer = RenderWriter(folder: out)
        let removal: BackgroundRemoval?
        do { removal = try writer.prepare() } catch { finish(.badInput("--out \(out): \(error)")) }
        var options = hostOptions
        options.log = options.log ?? out + "/audit.jsonl"
        let before = host.fs.root
        let context = try RunContext.make(hostOptions: options, host: .fake(host), policy: .closed, command: "render", subject: playbook.site, mayDeclarePolicy: true)
        let end = try runPlaybook(playbook, mode: "render", context: context, limits: try hostOptions.limits(), printPlan: false)
        do {
            let written = try writer.write(host: host, before: before)
            if !playbook.json { Terminal.out("rendered \(written.count) paths and \(host.commands.count) commands into \(out)\n") }
        } catch {
            finish(.scriptFailed("writing \(out): \(error)"))
        }
        if let removal, let failure = removal.wait() {
            Terminal.error("bramble: warning: an earlier render moved aside (\(removal.paths.joined(separator: ", "))) was not fully removed: \(failure)")
        }
        finish(end)
    }
}
