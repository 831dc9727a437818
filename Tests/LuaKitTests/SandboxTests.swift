import Testing
@testable import LuaKit

@Suite struct SandboxTests {
    func sandbox(_ limits: LuaLimits = LuaLimits(instructions: 50_000_000, memoryBytes: 64 << 20, seconds: 30),
                 modules: [String: String] = [:]) throws -> (LuaState, Box) {
        let L = try LuaState(limits: limits)
        let box = Box()
        try Sandbox.install(into: L, moduleFinder: { name in
            if let src = modules[name] { return .success((Array(src.utf8), "@" + name + ".lua")) }
            return .failure(.init(searched: ["/nowhere/\(name).lua"]))
        }, output: { box.text += $0 })
        return (L, box)
    }

    final class Box { var text = "" }

    @Test(arguments: ["io", "debug", "package", "dofile", "loadfile", "rawset", "rawget", "module", "loadstring", "newproxy", "setfenv", "getfenv"])
    func removedGlobalsAreGone(name: String) throws {
        let (L, _) = try sandbox()
        #expect(try L.run("return \(name)") == [.nil])
    }

    @Test(arguments: ["string.dump", "os.execute", "os.remove", "os.rename", "os.exit", "os.getenv", "os.tmpname", "os.setlocale"])
    func removedLibraryFunctionsAreGone(name: String) throws {
        let (L, _) = try sandbox()
        #expect(try L.run("return \(name)") == [.nil])
    }

    @Test func onlyTheDocumentedGlobalsExist() throws {
        let (L, _) = try sandbox()
        let r = try L.run("local names = {} for k in pairs(_G) do names[#names + 1] = k end table.sort(names) return table.concat(names, ' ')")
        #expect(r[0].stringValue == Sandbox.globals.sorted().joined(separator: " "))
    }

    @Test(arguments: ["string.upper = nil", "table.insert = print", "math.pi = 3", "os.time = nil", "coroutine.x = 1", "utf8.char = nil"])
    func libraryTablesAreReadOnly(statement: String) throws {
        let (L, _) = try sandbox()
        #expect(throws: LuaError.self) { try L.run(statement) }
        #expect(try L.run("return string.upper('a'), table.insert ~= print, math.pi > 3.14") == [.string("A"), .boolean(true), .boolean(true)])
    }

    @Test func stringMetatableIsLocked() throws {
        let (L, _) = try sandbox()
        #expect(try L.run("return getmetatable('')") == [.boolean(false)])
        #expect(throws: LuaError.self) { try L.run("getmetatable('').__index.upper = nil") }
        #expect(throws: LuaError.self) { try L.run("setmetatable('', {})") }
        #expect(try L.run("return ('abc'):upper(), ('x'):rep(3)") == [.string("ABC"), .string("xxx")])
        #expect(try L.run("return ('x').dump") == [.nil])
    }

    @Test func libraryProxiesDoNotLeakTheRealTables() throws {
        let (L, _) = try sandbox()
        // pairs must not hand out the real table as the iterator state
        let r = try L.run("local f, s = pairs(string) return s == string, rawequal(s, string)")
        #expect(r[0] == .boolean(true))
        #expect(throws: LuaError.self) { try L.run("local _, s = pairs(string); s.upper = nil") }
        #expect(try L.run("local n = 0 for _ in pairs(math) do n = n + 1 end return n > 20") == [.boolean(true)])
    }

    @Test func loadTakesTextOnlyAndNeverTheRealGlobals() throws {
        let (L, _) = try sandbox()
        #expect(try L.run("return load('return 1 + 1')()") == [.integer(2)])
        #expect(try L.run("local f, e = load('\\27Lua') return f, e ~= nil") == [.nil, .boolean(true)])
        #expect(try L.run("local f, e = load('return 1', 'x', 'b') return f, e") == [.nil, .string("load: only text chunks are allowed in the sandbox (mode 't')")])
        #expect(try L.run("return load('return io')()") == [.nil])
        #expect(try L.run("local env = {} load('x = 5', 'c', 't', env)() return env.x, x") == [.integer(5), .nil])
    }

    @Test func collectgarbageOnlyCounts() throws {
        let (L, _) = try sandbox()
        #expect(try L.run("return type(collectgarbage('count'))") == [.string("number")])
        #expect(throws: LuaError.self) { try L.run("collectgarbage('stop')") }
        #expect(throws: LuaError.self) { try L.run("collectgarbage()") }
    }

    @Test func gcMetamethodsAreRefused() throws {
        let (L, _) = try sandbox()
        #expect(throws: LuaError.self) { try L.run("setmetatable({}, {__gc = function() end})") }
        #expect(try L.run("return getmetatable(setmetatable({}, {__index = {a = 1}})).__index.a") == [.integer(1)])
    }

    @Test func requireFindsOnlyModulesTheHostOffers() throws {
        let (L, _) = try sandbox(modules: ["site.util": "return { answer = 42 }"])
        #expect(try L.run("return require('site.util').answer") == [.integer(42)])
        #expect(try L.run("return require('site.util') == require('site.util')") == [.boolean(true)])
        do {
            try L.run("require('socket')")
            Issue.record("require found a module it should not")
        } catch let LuaError.runtime(message, _) {
            #expect(message.contains("module 'socket' not found"))
        }
    }

    @Test func printGoesToTheHostOutput() throws {
        let (L, box) = try sandbox()
        try L.run("print('a', 1, nil, true, {} ~= nil)")
        #expect(box.text == "a\t1\tnil\ttrue\ttrue\n")
    }

    @Test func sandboxKeepsWorkingLuaWorking() throws {
        let (L, _) = try sandbox()
        let r = try L.run("""
            local t = {}
            for i = 1, 10 do t[#t + 1] = string.format('%02d', i) end
            local co = coroutine.wrap(function() coroutine.yield(#t) end)
            return table.concat(t, ','):sub(1, 5), co(), utf8.char(233), math.max(1, 5), os.time() > 0
            """)
        #expect(r == [.string("01,02"), .integer(10), .string("é"), .integer(5), .boolean(true)])
    }
}
