import ArgumentParser
import BrambleCore

@main
struct Bramble: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bramble",
        abstract: "Turn one Linux server into the head node of a diskless cluster, from a sandboxed Lua playbook.",
        discussion: """
            Every effect goes through a primitive that checks a declared policy, and every action, allowed \
            or refused, goes to a JSON Lines audit log. Exit codes: 0 ok, 1 the script failed, 2 bad input, \
            3 refused by the sandbox, 4 a limit (instructions, memory, time) was reached.
            """,
        version: BrambleVersion.string,
        subcommands: [ApplyCommand.self, PlanCommand.self, RenderCommand.self, ValidateCommand.self, TestCommand.self, RunCommand.self, LogCommand.self, UndoCommand.self, InitCommand.self]
    )
}
