import Testing
@testable import LuaKit

@Suite struct LuaValueTests {
    func state() throws -> LuaState {
        let L = try LuaState(limits: .unlimited)
        try Sandbox.install(into: L, moduleFinder: { _ in .failure(.init(searched: [])) }, output: { _ in })
        return L
    }

    @Test func scalarsRoundTrip() throws {
        let L = try state()
        let values: [LuaValue] = [.nil, .boolean(true), .boolean(false), .integer(42), .integer(-7), .number(1.5), .string("héllo"), .bytes([0xff, 0x00, 0x41])]
        for v in values {
            L.stack.push(v)
            #expect(L.stack.value(at: -1) == v)
            L.stack.pop()
        }
    }

    @Test func tablesConvertBothWays() throws {
        let L = try state()
        let results = try L.run("return {1, 2, 'three', name = 'x', nested = {a = true}, [10] = 'sparse'}")
        guard case .table(let t) = results[0] else { Issue.record("not a table"); return }
        #expect(t.array == [.integer(1), .integer(2), .string("three")])
        #expect(t["name"] == .string("x"))
        #expect(t["nested"].tableValue?["a"] == .boolean(true))
        #expect(t.otherKeys == ["10"])
        L.stack.push(.table(t))
        L.setGlobal("t", .table(t))
        let back = try L.run("return t.name, t[3], t.nested.a, #t")
        #expect(back == [.string("x"), .string("three"), .boolean(true), .integer(3)])
    }

    @Test func functionsAndNumbersComeBackTyped() throws {
        let L = try state()
        let r = try L.run("return 3, 3.0, 2^53, print")
        #expect(r[0] == .integer(3))
        #expect(r[1] == .number(3.0))
        #expect(r[1].integerValue == 3)
        #expect(r[3] == .opaque(typeName: "function"))
    }

    @Test func swiftFunctionsReceiveArgumentsAndReturnResults() throws {
        let L = try state()
        L.pushFunction { stack in
            let a = stack.value(at: 1).integerValue ?? 0
            let b = stack.value(at: 2).integerValue ?? 0
            stack.push(.integer(a + b))
            stack.push(.string("sum"))
            return 2
        }
        L.stack.setGlobal("add")
        #expect(try L.run("return add(2, 40)") == [.integer(42), .string("sum")])
    }

    @Test func swiftErrorsBecomeCatchableLuaErrorsWithPosition() throws {
        let L = try state()
        L.pushFunction { _ in throw LuaRaise("write_file: 'mode' must be an octal string") }
        L.stack.setGlobal("boom")
        let r = try L.run("local ok, err = pcall(function() boom() end) return ok, err", chunkName: "@site/hooks.lua")
        #expect(r[0] == .boolean(false))
        #expect(r[1].stringValue == "site/hooks.lua:1: write_file: 'mode' must be an octal string")
        // the state is still usable after the trampoline raised: no Swift frame was unwound
        #expect(try L.run("return 1 + 1") == [.integer(2)])
    }

    @Test func runtimeErrorsCarryFileLineAndTraceback() throws {
        let L = try state()
        do {
            try L.run("local function f()\n  error('bad thing')\nend\nf()", chunkName: "@script.lua")
            Issue.record("expected an error")
        } catch let LuaError.runtime(message, traceback) {
            #expect(message == "script.lua:2: bad thing")
            #expect(traceback.contains("stack traceback:"))
            #expect(traceback.contains("script.lua:4"))
        }
    }

    @Test func syntaxErrorsAreReportedAsSuch() throws {
        let L = try state()
        #expect(throws: LuaError.syntax("script.lua:1: unexpected symbol near ')'")) {
            try L.load(")", chunkName: "@script.lua")
        }
    }

    @Test func binaryChunksAreRefused() throws {
        let L = try state()
        do {
            try L.load([0x1b, 0x4c, 0x75, 0x61, 0x54, 0x00], chunkName: "=bin")
            Issue.record("a binary chunk loaded")
        } catch let LuaError.syntax(message) {
            #expect(message.contains("binary"))
        }
    }
}

@Suite struct LuaReferenceTests {
    @Test func luaFunctionsCanBeKeptAndCalledFromSwift() throws {
        let L = try LuaState(limits: .unlimited)
        try Sandbox.install(into: L, moduleFinder: { _ in .failure(.init(searched: [])) }, output: { _ in })
        try L.load("return function(a, b) return a .. b, #a + #b end", chunkName: "=f")
        try L.callKeepingResults(arguments: 0, results: 1)
        let f = L.reference(at: -1)
        L.stack.pop()
        #expect(f.typeName == "function")
        #expect(try L.call(f, ["ab", "cd"]) == [.string("abcd"), .integer(4)])
        #expect(throws: LuaError.self) { try L.call(f, [.nil, .nil]) }
        #expect(L.stack.top == 0)
    }
}
