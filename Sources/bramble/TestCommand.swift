import ArgumentParser
import BrambleCore

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run Lua spec files (*_spec.lua) against fake head nodes; ends with 'N passed, N failed'.",
        discussion: """
            A spec uses describe/it/expect and bramble.test.apply{site = "site.lua", fixture = "el7"} to run the \
            playbook on a fake host, then looks at r:file(path), r:mode(path), r:commands(), r.summary … \
            (docs/testing.md). Folders are searched for *_spec.lua files.

            Example:
              bramble test stdlib/spec examples
            """
    )

    @Argument(help: ArgumentHelp("Spec files or folders. Default: the current folder.", valueName: "PATH"))
    var paths: [String] = []

    @OptionGroup var hostOptions: HostOptions

    @Flag(help: "Print the result as one JSON object: passed, failed, failures [{file, name, message}].")
    var json = false

    func run() throws {
        let files: [String]
        do { files = try SpecRunner.specFiles(paths.isEmpty ? ["."] : paths) } catch { finish(.badInput("\(error)")) }
        let runner = SpecRunner(stdlib: StdlibLocator.find(), limits: try hostOptions.limits(), output: { json ? Terminal.errorRaw($0) : Terminal.out($0) })
        for file in files { runner.run(file: file) }
        if json {
            let failures = runner.failures.map { JSON.object([("file", .string($0.file)), ("name", .string($0.name)), ("message", .string($0.message))]) }
            Terminal.out(JSON.object([("passed", .int(Int64(runner.passed))), ("failed", .int(Int64(runner.failures.count))), ("files", .int(Int64(files.count))),
                                      ("failures", .array(failures))]).serialized() + "\n")
            if !runner.failures.isEmpty { throw ExitCode(1) }
            return
        }
        for failure in runner.failures {
            Terminal.out("FAIL \(failure.file): \(failure.name)\n     \(failure.message.replacingOccurrences(of: "\n", with: "\n     "))\n")
        }
        Terminal.out("\(runner.passed) passed, \(runner.failures.count) failed\n")
        if !runner.failures.isEmpty { throw ExitCode(1) }
    }
}
