import LuaKit

/// One primitive of the `bramble` Lua API. Each is its own type: it names its arguments (unknown
/// ones are refused with a suggestion), says what its audit record is about before it runs (so a
/// refusal is logged with its path or argv), and performs itself through the session's host.
public protocol Primitive {
    static var name: String { get }
    /// One line for `--help`-style listings and the API docs.
    static var summary: String { get }
    static var parameters: [String] { get }
    /// Whether the argument table has an array part (an argv).
    static var takesArgv: Bool { get }
    static func subject(_ args: Arguments) -> [(String, JSON)]
    static func perform(_ args: Arguments, in session: Session) throws -> ActionOutcome
}

extension Primitive {
    public static var takesArgv: Bool { false }
    public static func subject(_ args: Arguments) -> [(String, JSON)] {
        if let p = args.table["path"].stringValue { return [("path", .string(p))] }
        return []
    }
}

/// Every mutating primitive, in the order the docs list them.
public enum Primitives {
    public static let all: [any Primitive.Type] = [
        WriteFile.self, Template.self, DirectoryPrimitive.self, Copy.self, Symlink.self, LineInFile.self, Remove.self,
        RunCommand.self, Chroot.self, Dracut.self, ExportFS.self, Service.self, Package.self, Sync.self,
    ]
}
