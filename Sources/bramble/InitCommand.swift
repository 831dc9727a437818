import ArgumentParser
import BrambleCore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a starter site folder: site.lua, hooks.lua, a spec, a README and editor settings.",
        discussion: """
            The starter validates, renders and passes its spec as it is; edit site.lua for your cluster.

            Example:
              bramble init mycluster --family el7 && bramble validate mycluster/site.lua
            """
    )

    @Argument(help: ArgumentHelp("The folder to create (must not exist, or be empty).", valueName: "DIR"))
    var dir: String

    @Option(help: "The distribution family of the head and the nodes: el7, el9 or debian12.")
    var family: String = "el7"

    @Flag(help: "Print the files created as JSON.")
    var json = false

    func run() throws {
        let stdlib = StdlibLocator.find()
        do {
            let created = try SiteScaffold(stdlib: stdlib).create(in: dir, family: family)
            if json {
                Terminal.out(JSON.object([("dir", .string(dir)), ("family", .string(family)), ("created", .array(created.map { .string($0) }))]).serialized() + "\n")
            } else {
                for file in created { Terminal.out("created \(file)\n") }
                Terminal.out("next: bramble validate \(dir)/site.lua && bramble render \(dir)/site.lua --out /tmp/\(LogicalPath.name(dir))-render && bramble test \(dir)\n")
            }
        } catch let error as SiteScaffold.Failure {
            finish(.badInput(error.description))
        }
    }
}
