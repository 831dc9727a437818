import LuaKit

/// One primitive of the `bramble` Lua API. Each is its own type: it names its arguments (unknown
/// ones are refused with a suggestion), says what its audit record is about before it runs (so a
/// refusal is logged with its path or argv), and performs itself through the session's host.
public protocol Primitive: SendableMetatype {
    static var name: String { get }
    /// One line for `--help`-style listings and the API docs.
    static var summary: String { get }
    static var parameters: [String] { get }
    /// Whether the argument table has an array part (an argv).
    static var takesArgv: Bool { get }
    static func subject(_ args: Arguments) -> [(String, JSON)]
    static func perform(_ args: Arguments, in session: Session) throws -> ActionOutcome
    /// The call's table (argument 1) as Swift values. A primitive whose table can be large (a
    /// template's values hold a whole site) may leave out what it will not read.
    static func convert(_ stack: LuaStack, in session: Session) throws -> LuaTable
}

extension Primitive {
    public static var takesArgv: Bool { false }
    public static func convert(_ stack: LuaStack, in session: Session) throws -> LuaTable {
        try stack.tableArgument(1, function: name)
    }
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
