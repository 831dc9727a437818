import LuaKit

/// What a playbook command runs: a site, its hooks, a playbook, a mode and a step selection.
public struct PlaybookOptions {
    public var sitePath: String
    public var playbook: String
    public var hooksPath: String?
    public var mode: String
    public var only: [String]
    public var skip: [String]

    public init(sitePath: String, playbook: String = "diskless", hooksPath: String? = nil, mode: String, only: [String] = [], skip: [String] = []) {
        self.sitePath = sitePath
        self.playbook = playbook
        self.hooksPath = hooksPath
        self.mode = mode
        self.only = only
        self.skip = skip
    }
}

/// A problem found in a site, its hooks or the command line, as `file:line: node: field: message`.
public struct SiteProblem: Equatable {
    public let file: String
    public let line: Int?
    public let node: String?
    public let field: String?
    public let message: String

    public var json: JSON {
        .object([("file", .string(file)), ("line", line.map { .int(Int64($0)) } ?? .null), ("node", node.map(JSON.string) ?? .null),
                 ("field", field.map(JSON.string) ?? .null), ("message", .string(message))])
    }

    public var description: String {
        var out = file
        if let line { out += ":\(line)" }
        out += ": "
        if let node { out += "node \(node): " }
        if let field, !message.contains(field) { out += "\(field): " }
        return out + message
    }
}

public enum PlaybookOutcome {
    case done
    case problems([SiteProblem])
    case ended(RunEnd)
}

/// Loads the site, hooks and playbook — each in its own sandbox environment — and hands them to the
/// Lua engine (`bramble.engine.main`), which validates, declares the playbook's policy and runs the steps.
public final class PlaybookDriver {
    public let runner: ScriptRunner
    let options: PlaybookOptions

    public init(options: PlaybookOptions, session: Session, limits: LuaLimits, stdlib: String) throws {
        self.options = options
        let siteFolder = PlaybookDriver.folder(of: options.sitePath)
        runner = try ScriptRunner(session: session, limits: limits, stdlib: stdlib, scriptFolder: siteFolder)
        session.templateFolders = [siteFolder, stdlib + "/templates"]
    }

    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static let driver = """
        local site, hooks, playbook, mode, site_path, site_source, hooks_path, only, skip, hooks_source = ...
        if type(playbook) ~= "table" then error("the playbook file must return a table, got " .. type(playbook), 0) end
        return require("bramble.engine").main{
          mode = mode, site = site, site_path = site_path, site_source = site_source,
          hooks = hooks, hooks_path = hooks_path, hooks_source = hooks_source, playbook = playbook,
          only = only, skip = skip,
        }
        """

    public func run() -> PlaybookOutcome {
        let state = runner.state
        let stack = state.stack
        let base = stack.top
        defer { stack.setTop(base) }
        do {
            try state.load(PlaybookDriver.driver, chunkName: "=driver")
            // the site
            guard case .success(let siteSource) = ScriptRunner.readScript(options.sitePath) else {
                return .ended(.badInput("\(options.sitePath): cannot read the site file"))
            }
            guard try loadAndCall(options.sitePath, siteSource) != nil else { return .ended(.badInput(lastError)) }
            guard stack.type(at: -1) == LUA_TTABLE else {
                return .ended(.badInput("\(options.sitePath): the site file must return a table, got \(stack.typeName(at: -1))"))
            }
            // hooks: --hooks, else the site's `hooks` field, else hooks.lua beside the site
            var hooksPath = options.hooksPath
            if case .string(let named) = stack.rawField(-1, "hooks") {
                stack.clearField(-1, "hooks")
                if hooksPath == nil { hooksPath = named.hasPrefix("/") ? named : PlaybookDriver.folder(of: options.sitePath) + "/" + named }
            }
            if hooksPath == nil {
                let beside = PlaybookDriver.folder(of: options.sitePath) + "/hooks.lua"
                if LocalHost().info(beside.hasPrefix("/") ? beside : currentDirectory() + "/" + beside) != nil { hooksPath = beside }
            }
            if let hooksPath {
                guard case .success(let source) = ScriptRunner.readScript(hooksPath) else {
                    return .ended(.badInput("\(hooksPath): cannot read the hooks file"))
                }
                hooksSource = source
                guard try loadAndCall(hooksPath, source) != nil else { return .ended(.badInput(lastError)) }
            } else {
                stack.push(.nil)
            }
            // the playbook: a bundled name or a file
            let playbookPath = options.playbook.contains("/") || options.playbook.hasSuffix(".lua")
                ? options.playbook : runner.stdlib + "/playbooks/" + options.playbook + ".lua"
            guard case .success(let playbookSource) = ScriptRunner.readScript(playbookPath) else {
                return .ended(.badInput("--playbook \(options.playbook): no such playbook (\(playbookPath))"))
            }
            let shown = playbookPath.hasPrefix(runner.stdlib + "/") ? "stdlib/" + playbookPath.dropFirst(runner.stdlib.count + 1) : playbookPath
            guard try loadAndCall(String(shown), playbookSource) != nil else { return .ended(.badInput(lastError)) }
            for value: LuaValue in [.string(options.mode), .string(options.sitePath), .bytes(siteSource).normalized,
                                    hooksPath.map(LuaValue.string) ?? .nil,
                                    options.only.isEmpty ? .nil : .list(options.only.map { .string($0) }),
                                    options.skip.isEmpty ? .nil : .list(options.skip.map { .string($0) }),
                                    hooksSource.map { LuaValue.bytes($0).normalized } ?? .nil] {
                stack.push(value)
            }
        } catch {
            return .ended(.badInput(String(describing: error)))
        }
        switch runner.call(arguments: 10) {
        case .failure(let end):
            return .ended(end)
        case .success(let results):
            guard case .table(let result)? = results.first else { return .done }
            if result["ok"] == .boolean(false) { return .problems(PlaybookDriver.problems(result["problems"])) }
            return .done
        }
    }

    private var lastError = ""
    private var hooksSource: [UInt8]?

    /// Loads a file in its own environment and calls it, leaving its result on the stack.
    private func loadAndCall(_ path: String, _ source: [UInt8]) throws -> Bool? {
        do {
            try Sandbox.loadIsolated(runner.state, source: source, chunkName: "@" + path)
            try runner.state.callKeepingResults(arguments: 0, results: 1)
            return true
        } catch let error as LuaError {
            lastError = error.description
            return nil
        }
    }

    static func problems(_ value: LuaValue) -> [SiteProblem] {
        (value.tableValue?.array ?? []).compactMap { item in
            guard let t = item.tableValue else { return nil }
            return SiteProblem(file: t["file"].stringValue ?? "site", line: t["line"].integerValue.map(Int.init),
                               node: t["node"].stringValue, field: t["field"].stringValue, message: t["message"].stringValue ?? "invalid")
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
import CLua
