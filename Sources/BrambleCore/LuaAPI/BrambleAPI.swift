import LuaKit

/// The `bramble` table Lua sees: one function per primitive, plus read-only facts and run control.
/// Every call's origin (the Lua file:line that made it) goes into its audit record.
/// The session the `bramble` functions act through. A spec swaps it to run a playbook on a fake host
/// from inside its own state, then swaps it back.
public final class SessionBox {
    public var session: Session
    public init(_ session: Session) { self.session = session }
}

public enum BrambleAPI {
    public static func install(into state: LuaState, box: SessionBox, extra: [String: LuaHostFunction] = [:]) {
        let stack = state.stack
        stack.newTable(records: 32)
        for primitive in Primitives.all {
            state.pushFunction { stack in try call(primitive, stack, box.session) }
            stack.setField(-2, primitive.name)
        }
        let facts: [String: LuaHostFunction] = [
            "read_file": { stack in
                let path = try pathArgument(stack, "read_file")
                return try fact("read_file", path, stack, box.session) {
                    let resolved = try box.session.guardian.resolveForRead(path)
                    guard let info = box.session.host.info(resolved), info.kind == .file else { stack.push(.nil); return 1 }
                    stack.pushBytes(try box.session.host.read(resolved))
                    return 1
                }
            },
            "exists": { stack in
                let path = try pathArgument(stack, "exists")
                return try fact("exists", path, stack, box.session) {
                    let resolved = try box.session.guardian.resolveForRead(path, action: "exists")
                    stack.push(.boolean(box.session.host.info(resolved) != nil))
                    return 1
                }
            },
            "list_dir": { stack in
                let path = try pathArgument(stack, "list_dir")
                return try fact("list_dir", path, stack, box.session) {
                    let resolved = try box.session.guardian.resolveForRead(path, action: "list_dir")
                    let names = box.session.host.info(resolved)?.kind == .directory ? try box.session.host.list(resolved) : []
                    stack.push(.list(names.map { .string($0) }))
                    return 1
                }
            },
            "kernels": { stack in
                let boot = stack.isNil(at: 1) ? "/boot" : try pathArgument(stack, "kernels")
                return try fact("kernels", boot, stack, box.session) {
                    let resolved = try box.session.guardian.resolveForRead(boot, action: "kernels")
                    let names = box.session.host.info(resolved)?.kind == .directory ? try box.session.host.list(resolved) : []
                    let versions = names.filter { $0.hasPrefix("vmlinuz-") && !$0.contains("rescue") }.map { String($0.dropFirst(8)) }
                    stack.push(.list(versions.sorted(by: versionLess).map { .string($0) }))
                    return 1
                }
            },
            "os_release": { stack in
                let root = stack.isNil(at: 1) ? "/" : try pathArgument(stack, "os_release")
                return try fact("os_release", root, stack, box.session) {
                    var fields: [String: LuaValue] = [:]
                    for candidate in ["/etc/os-release", "/usr/lib/os-release"] {
                        let path = try box.session.guardian.resolveForRead(root == "/" ? candidate : root + candidate, action: "os_release")
                        guard let data = box.session.host.readIfPresent(path) else { continue }
                        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                            guard let eq = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
                            var value = line[line.index(after: eq)...]
                            if value.count >= 2, value.first == "\"" || value.first == "'", value.last == value.first { value = value.dropFirst().dropLast() }
                            fields[String(line[..<eq])] = .string(String(value))
                        }
                        break
                    }
                    stack.push(.record(fields))
                    return 1
                }
            },
            "host_kind": { stack in
                stack.pushString(box.session.host.kind.rawValue)
                return 1
            },
            "step": { stack in
                box.session.step = try stack.stringArgument(1, function: "step", name: "name")
                return 0
            },
            "log": { stack in
                let message = try stack.stringArgument(1, function: "log", name: "message")
                _ = try box.session.perform("log", origin: stack.origin(), subject: [("message", .string(message))]) { ActionOutcome(.ok) }
                return 0
            },
            "declare_policy": { stack in
                let args = Arguments(primitive: "declare_policy", table: try stack.tableArgument(1, function: "declare_policy"))
                try args.checkKnown(["write", "run", "chroot"])
                let write = try args.stringList("write"), run = try args.stringList("run"), chroot = try args.stringList("chroot")
                for p in write + chroot { try Arguments.checkPath(p, key: "write/chroot", primitive: "declare_policy") }
                try box.session.declare(Policy(writeRoots: write, programs: run, chrootRoots: chroot), origin: stack.origin())
                return 0
            },
            "policy": { stack in
                let p = box.session.policy
                stack.push(.record(["write": .list(p.writeRoots.map { .string($0) }), "run": .list(p.programs.map { .string($0) }),
                                    "chroot": .list(p.chrootRoots.map { .string($0) })]))
                return 1
            },
        ]
        for (name, function) in facts.merging(extra, uniquingKeysWith: { $1 }) {
            state.pushFunction(function)
            stack.setField(-2, name)
        }
        // scripts and hooks share this table: nobody may swap a primitive for everyone else
        try? Sandbox.makeReadOnly(state, name: "bramble")
        stack.setGlobal("bramble")
    }

    static func pathArgument(_ stack: LuaStack, _ function: String) throws -> String {
        let path = try stack.stringArgument(1, function: function, name: "path")
        try Arguments.checkPath(path, key: "path", primitive: function)
        return path
    }

    /// Facts are not actions and are not logged — unless refused, which always is.
    static func fact(_ name: String, _ path: String, _ stack: LuaStack, _ session: Session, _ body: () throws -> Int32) throws -> Int32 {
        do {
            return try body()
        } catch let denial as PolicyDenial {
            // perform logs the refusal and raises it into Lua
            _ = try session.perform(name, origin: stack.origin(), subject: [("path", .string(path))]) { throw denial }
            return 0
        } catch let e as PathResolver.Failure {
            throw LuaRaise("\(name): \(e)")
        } catch let e as HostError {
            throw LuaRaise("\(name): \(e)")
        }
    }

    static func call(_ primitive: any Primitive.Type, _ stack: LuaStack, _ session: Session) throws -> Int32 {
        let table = try primitive.convert(stack, in: session)
        if stack.top > 1 { throw LuaRaise("\(primitive.name): takes one table argument, got \(stack.top)") }
        let args = Arguments(primitive: primitive.name, table: table)
        let origin = stack.origin()
        let outcome = try session.perform(primitive.name, origin: origin, subject: primitive.subject(args)) {
            try args.checkKnown(primitive.parameters, allowsArray: primitive.takesArgv)
            return try primitive.perform(args, in: session)
        }
        var result: [String: LuaValue] = ["status": .string(outcome.status.rawValue), "diff": .string(outcome.diff)]
        for (k, v) in outcome.luaFields { result[k] = v }
        stack.push(.record(result))
        return 1
    }

    /// Kernel versions in numeric order: 3.10.0-1160 after 3.10.0-957.
    static func versionLess(_ a: String, _ b: String) -> Bool {
        let pa = a.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        let pb = b.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        return pa.lexicographicallyPrecedes(pb) || (pa == pb && a < b)
    }
}
