import LuaKit

/// How a run ended, mapped to the exit codes of the CLI contract.
public enum RunEnd: Error, Equatable {
    case success
    case scriptFailed(String)
    case badInput(String)
    case denied(String)
    case limit(String)

    public var exitCode: Int32 {
        switch self {
        case .success: return 0
        case .scriptFailed: return 1
        case .badInput: return 2
        case .denied: return 3
        case .limit: return 4
        }
    }

    public var message: String? {
        switch self {
        case .success: return nil
        case .scriptFailed(let m), .badInput(let m), .denied(let m), .limit(let m): return m
        }
    }
}

/// Where the bundled Lua library lives: $BRAMBLE_STDLIB, else a `stdlib` folder beside or above the
/// executable (a build tree), else the installed copy.
public enum StdlibLocator {
    public static func find(executable: String = CommandLine.arguments.first ?? "") -> String {
        let local = LocalHost()
        if let env = getenv("BRAMBLE_STDLIB").map({ String(cString: $0) }), !env.isEmpty { return env }
        // /proc/self/exe: the binary itself, also when it was called through a symlink on PATH
        let binary = realPath("/proc/self/exe") != "/proc/self/exe" ? realPath("/proc/self/exe") : realPath(executable)
        var dir = LogicalPath.parent(binary)
        for _ in 0..<6 {
            let candidate = LogicalPath.join(dir, "stdlib")
            if local.info(candidate + "/bramble")?.kind == .directory || local.info(candidate)?.kind == .directory && dir != "/" {
                return candidate
            }
            if dir == "/" { break }
            dir = LogicalPath.parent(dir)
        }
        return "/usr/share/bramble/stdlib"
    }

    static func realPath(_ path: String) -> String {
        guard let p = realpath(path, nil) else { return path }
        defer { free(p) }
        return String(cString: p)
    }
}

/// Runs Lua code in a fresh sandboxed state bound to a session.
public final class ScriptRunner {
    public var session: Session { box.session }
    public let box: SessionBox
    public let state: LuaState
    public let stdlib: String
    public let scriptFolder: String?

    public init(session: Session, limits: LuaLimits, stdlib: String, scriptFolder: String?,
                extraAPI: [String: LuaHostFunction] = [:]) throws {
        let output = session.output
        self.box = SessionBox(session)
        self.stdlib = stdlib
        self.scriptFolder = scriptFolder
        state = try LuaState(limits: limits)
        try Sandbox.install(into: state, moduleFinder: { [stdlib, scriptFolder] name in
            ScriptRunner.findModule(name, stdlib: stdlib, scriptFolder: scriptFolder)
        }, output: { output($0) })
        BrambleAPI.install(into: state, box: box, extra: extraAPI)
    }

    static func findModule(_ name: String, stdlib: String, scriptFolder: String?) -> Result<(source: [UInt8], chunkName: String), Sandbox.ModuleNotFound> {
        let valid = !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" }
            && !name.contains("..") && !name.hasPrefix(".")
        var searched: [String] = []
        guard valid else { return .failure(.init(searched: ["(invalid module name)"])) }
        let relative = name.replacingOccurrences(of: ".", with: "/") + ".lua"
        let local = LocalHost()
        for (folder, shown) in [(stdlib, "stdlib"), (scriptFolder, scriptFolder)] {
            guard let folder, let shown else { continue }
            let path = folder + "/" + relative
            searched.append(path)
            if let data = local.readIfPresent(path) { return .success((data, "@" + shown + "/" + relative)) }
        }
        return .failure(.init(searched: searched))
    }

    /// Reads a script file for running: a clear bad-input error when unreadable or binary.
    public static func readScript(_ path: String) -> Result<[UInt8], RunEnd> {
        let local = LocalHost()
        let absolute = path.hasPrefix("/") ? path : currentDirectory() + "/" + path
        guard let info = local.info(absolute), info.kind == .file || info.kind == .symlink else {
            return .failure(.badInput("\(path): cannot read the script (no such file)"))
        }
        guard let data = try? local.read(absolute) else {
            return .failure(.badInput("\(path): cannot read the script"))
        }
        if data.first == 0x1b { return .failure(.badInput("\(path): binary (precompiled) chunks are refused; give Lua source")) }
        return .success(data)
    }

    /// Loads and runs a chunk; returns its results or how it ended.
    public func run(source: [UInt8], chunkName: String) -> Result<[LuaValue], RunEnd> {
        do {
            try state.load(source, chunkName: chunkName)
        } catch let error as LuaError {
            if case .limit = error { return .failure(.limit(error.description)) }
            return .failure(.badInput(error.description))
        } catch {
            return .failure(.badInput(String(describing: error)))
        }
        return call(arguments: 0)
    }

    /// Calls the function on top of the stack (below `arguments` values) and classifies the outcome.
    public func call(arguments: Int32) -> Result<[LuaValue], RunEnd> {
        do {
            return .success(try state.call(arguments: arguments))
        } catch let error as LuaError {
            switch error {
            case .limit(_, let message, let traceback):
                return .failure(.limit(traceback.hasPrefix(message) || traceback.isEmpty ? (traceback.isEmpty ? message : traceback) : message + "\n" + traceback))
            case .syntax(let message): return .failure(.badInput(message))
            case .runtime(let message, let traceback):
                if session.isDenial(message) { return .failure(.denied(traceback)) }
                return .failure(.scriptFailed(traceback))
            }
        } catch {
            return .failure(.scriptFailed(String(describing: error)))
        }
    }
}

/// The process's current folder ("/" if it cannot be told, e.g. removed under us).
public func currentDirectory() -> String {
    guard let path = getcwd(nil, 0) else { return "/" }
    defer { free(path) }
    return String(cString: path)
}

#if canImport(Glibc)
import Glibc
#endif
