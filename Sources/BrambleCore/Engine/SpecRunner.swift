import LuaKit

/// Runs `*_spec.lua` files: each in its own sandboxed state, with describe/it/expect and
/// `bramble.test.apply`, which runs a playbook on a fresh fake head node (built-in fixtures or a
/// folder) and lets the spec look at its files and commands.
public final class SpecRunner {
    public struct Failure {
        public let file: String
        public let name: String
        public let message: String
    }

    public private(set) var passed = 0
    public private(set) var failures: [Failure] = []
    let stdlib: String
    let limits: LuaLimits
    let output: (String) -> Void

    public init(stdlib: String, limits: LuaLimits, output: @escaping (String) -> Void) {
        self.stdlib = stdlib
        self.limits = limits
        self.output = output
    }

    /// Spec files under `paths` (files, or folders searched recursively), sorted.
    public static func specFiles(_ paths: [String]) throws -> [String] {
        let local = LocalHost()
        var files: [String] = []
        func walk(_ path: String) throws {
            let absolute = path.hasPrefix("/") ? path : currentDirectory() + "/" + path
            guard let info = local.info(absolute) else { throw HostError(.notFound, path) }
            if info.kind == .directory {
                for name in try local.list(absolute) where !name.hasPrefix(".") {
                    try walk(path == "." ? name : path + "/" + name)
                }
            } else if path.hasSuffix("_spec.lua") {
                files.append(path)
            }
        }
        for p in paths { try walk(p) }
        return files.sorted()
    }

    public func run(file: String) {
        let folder = PlaybookDriver.folder(of: file)
        do {
            let audit = try AuditLog(runID: "spec", path: nil)
            let idle = Session(host: FakeHost(), policy: .closed, audit: audit)
            idle.output = output
            let harness = Harness(stdlib: stdlib, folder: folder, output: output)
            let runner = try ScriptRunner(session: idle, limits: limits, stdlib: stdlib, scriptFolder: folder,
                                          extraAPI: [:])
            harness.install(into: runner)
            let prelude = """
                local t = require("bramble.testing")
                describe, it, expect = t.describe, t.it, t.expect
                bramble.test.apply = t.apply
                """
            _ = try runner.state.run(prelude, chunkName: "=spec prelude")
            guard case .success(let source) = ScriptRunner.readScript(file) else {
                failures.append(Failure(file: file, name: "(load)", message: "cannot read \(file)"))
                return
            }
            switch runner.run(source: source, chunkName: "@" + file) {
            case .failure(let end):
                failures.append(Failure(file: file, name: "(file)", message: end.message ?? "failed"))
                return
            case .success: break
            }
            let results = try runner.state.run("local p, f = require('bramble.testing').run_all() return p, f", chunkName: "=spec run")
            passed += Int(results.first?.integerValue ?? 0)
            for item in results.count > 1 ? results[1].tableValue?.array ?? [] : [] {
                let t = item.tableValue ?? LuaTable()
                failures.append(Failure(file: file, name: t["name"].stringValue ?? "?", message: t["message"].stringValue ?? "?"))
            }
        } catch {
            failures.append(Failure(file: file, name: "(file)", message: String(describing: error)))
        }
    }

    /// The Swift half of `bramble.test`: fake hosts handed out by number.
    final class Harness {
        let stdlib: String
        let folder: String
        let output: (String) -> Void
        var hosts: [FakeHost] = []
        var saved: [Session] = []

        init(stdlib: String, folder: String, output: @escaping (String) -> Void) {
            self.stdlib = stdlib
            self.folder = folder
            self.output = output
        }

        func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : folder + "/" + path }

        func host(_ stack: LuaStack, _ function: String) throws -> FakeHost {
            guard let n = stack.value(at: 1).integerValue, n >= 1, Int(n) <= hosts.count else {
                throw LuaRaise("bramble.test.\(function): expected a run handle")
            }
            return hosts[Int(n) - 1]
        }

        /// Specs name paths as a script would: through symlinks (/etc/sysconfig/selinux -> ../selinux/config).
        static func resolved(_ host: FakeHost, _ path: String, followFinal: Bool = true) throws -> String {
            try PathResolver().resolve(path, on: host, followFinal: followFinal)
        }

        func install(into runner: ScriptRunner) {
            let state = runner.state
            let stack = state.stack
            let box = runner.box
            lua_getglobal(state.L, "bramble")
            stack.newTable(records: 12)
            let functions: [String: LuaHostFunction] = [
                // load(path) -> value, source, path: a site, hooks or playbook file in its own environment
                "load": { [unowned self] stack in
                    let name = try stack.stringArgument(1, function: "bramble.test.load", name: "path")
                    var path = self.resolve(name)
                    if !name.contains("/") && !name.hasSuffix(".lua") { path = self.stdlib + "/playbooks/" + name + ".lua" }
                    guard case .success(let source) = ScriptRunner.readScript(path) else { return 0 }
                    try Sandbox.loadIsolated(runner.state, source: source, chunkName: "@" + path)
                    try runner.state.callKeepingResults(arguments: 0, results: 1)
                    // the value stays on the stack; add the source and the path
                    stack.pushBytes(source)
                    stack.pushString(path)
                    return 3
                },
                // whether a file exists on the real machine (a hooks.lua beside a site, say)
                "real_exists": { [unowned self] stack in
                    let path = self.resolve(try stack.stringArgument(1, function: "bramble.test.real_exists", name: "path"))
                    stack.push(.boolean(LocalHost().info(path.hasPrefix("/") ? path : currentDirectory() + "/" + path) != nil))
                    return 1
                },
                "begin": { [unowned self] stack in
                    let opts = try stack.tableArgument(1, function: "bramble.test.begin")
                    let host: FakeHost
                    if let reuse = opts["reuse"].integerValue, reuse >= 1, Int(reuse) <= self.hosts.count {
                        host = self.hosts[Int(reuse) - 1]
                    } else {
                        let fixture = opts["fixture"].stringValue ?? "el7"
                        // a fixture folder is named from the spec's folder, like sites and hooks
                        host = try FixtureLoader.load(fixture.contains("/") ? self.resolve(fixture) : fixture, stdlib: self.stdlib)
                    }
                    for (path, content) in opts["files"].tableValue?.fields ?? [:] {
                        host.fs.ensureDirectory(LogicalPath.parent(path))
                        host.fs.set(path, .file(data: content.byteValue ?? [], mode: 0o644, uid: 0, gid: 0))
                    }
                    for (key, stub) in opts["commands"].tableValue?.fields ?? [:] {
                        let t = stub.tableValue ?? LuaTable()
                        host.stubs[key] = CommandResult(exitCode: Int32(t["exit"].integerValue ?? 0), standardOutput: t["stdout"].byteValue ?? [],
                                                        standardError: t["stderr"].byteValue ?? [])
                    }
                    let session = Session(host: host, policy: .closed, audit: try AuditLog(runID: "spec-\(self.hosts.count + 1)", path: nil), mayDeclarePolicy: true)
                    session.output = self.output
                    // templates of the site's own folder override the bundled ones, as for the CLI
                    let siteFolder = opts["site_folder"].stringValue.map { self.resolve($0) }
                    session.templateFolders = (siteFolder.map { [$0] } ?? []) + [self.folder, self.stdlib + "/templates"]
                    self.saved.append(box.session)
                    box.session = session
                    if opts["reuse"].isNil { self.hosts.append(host) }
                    stack.push(.integer(Int64(opts["reuse"].integerValue ?? Int64(self.hosts.count))))
                    return 1
                },
                "finish": { [unowned self] stack in
                    let finished = box.session
                    if let previous = self.saved.popLast() { box.session = previous }
                    var summary: [String: LuaValue] = [:]
                    for status in ActionStatus.allCases { summary[status.rawValue] = .integer(Int64(finished.counts[status] ?? 0)) }
                    stack.push(.record(summary))
                    return 1
                },
                "file": { [unowned self] stack in
                    let host = try self.host(stack, "file")
                    let path = try Self.resolved(host, try stack.stringArgument(2, function: "file", name: "path"))
                    stack.push(host.readIfPresent(path).map { LuaValue.bytes($0).normalized } ?? .nil)
                    return 1
                },
                "mode": { [unowned self] stack in
                    let host = try self.host(stack, "mode")
                    let info = host.info(try Self.resolved(host, try stack.stringArgument(2, function: "mode", name: "path")))
                    stack.push(info.map { .string("0" + String($0.mode, radix: 8)) } ?? .nil)
                    return 1
                },
                "link": { [unowned self] stack in
                    let host = try self.host(stack, "link")
                    let path = try Self.resolved(host, try stack.stringArgument(2, function: "link", name: "path"), followFinal: false)
                    stack.push((try? host.readLink(path)).map(LuaValue.string) ?? .nil)
                    return 1
                },
                "exists": { [unowned self] stack in
                    stack.push(.boolean(try self.host(stack, "exists").info(try stack.stringArgument(2, function: "exists", name: "path")) != nil))
                    return 1
                },
                "list": { [unowned self] stack in
                    let host = try self.host(stack, "list")
                    stack.push(.list(((try? host.list(try stack.stringArgument(2, function: "list", name: "path"))) ?? []).map { .string($0) }))
                    return 1
                },
                "commands": { [unowned self] stack in
                    let host = try self.host(stack, "commands")
                    stack.push(.list(host.commands.map { c in
                        .record(["argv": .list(c.argv.map { .string($0) }), "chroot": c.chroot.map(LuaValue.string) ?? .nil])
                    }))
                    return 1
                },
            ]
            for (name, function) in functions {
                state.pushFunction(function)
                stack.setField(-2, name)
            }
            stack.setField(-2, "test")
            stack.pop()
        }
    }
}

import CLua
