import Testing
@testable import LuaKit

@Suite struct LimitTests {
    func sandbox(_ limits: LuaLimits) throws -> LuaState {
        let L = try LuaState(limits: limits)
        try Sandbox.install(into: L, moduleFinder: { _ in .failure(.init(searched: [])) }, output: { _ in })
        return L
    }

    func expectLimit(_ kind: LuaLimitKind, _ limits: LuaLimits, _ source: String) throws {
        let L = try sandbox(limits)
        do {
            try L.run(source)
            Issue.record("the script ended without hitting the \(kind) limit")
        } catch let LuaError.limit(hit, message, _) {
            #expect(hit == kind)
            #expect(message.contains("limit reached"))
        } catch {
            Issue.record("expected a \(kind) limit, got \(error)")
        }
        #expect(L.limitHit == kind)
    }

    @Test func infiniteLoopEndsOnTheInstructionBudget() throws {
        try expectLimit(.instructions, LuaLimits(instructions: 1_000_000, memoryBytes: 0, seconds: 0), "while true do end")
    }

    @Test func pcallInALoopCannotSwallowTheBudget() throws {
        try expectLimit(.instructions, LuaLimits(instructions: 1_000_000, memoryBytes: 0, seconds: 0),
                        "while true do pcall(function() while true do end end) end")
    }

    @Test func xpcallHandlersCannotSwallowTheBudget() throws {
        try expectLimit(.instructions, LuaLimits(instructions: 1_000_000, memoryBytes: 0, seconds: 0),
                        "while true do xpcall(function() while true do end end, function(e) return e end) end")
    }

    @Test func coroutinesCannotSwallowTheBudget() throws {
        try expectLimit(.instructions, LuaLimits(instructions: 1_000_000, memoryBytes: 0, seconds: 0), """
            while true do
              local co = coroutine.create(function() while true do end end)
              coroutine.resume(co)
              pcall(coroutine.wrap(function() while true do end end))
            end
            """)
    }

    @Test func growingTableHitsTheMemoryCap() throws {
        try expectLimit(.memory, LuaLimits(instructions: 0, memoryBytes: 16 << 20, seconds: 0),
                        "local t = {} local i = 0 while true do i = i + 1 t[i] = {i} end")
    }

    @Test func hugeStringRepHitsTheMemoryCap() throws {
        try expectLimit(.memory, LuaLimits(instructions: 0, memoryBytes: 16 << 20, seconds: 0),
                        "local s = string.rep('x', 1 << 30) return #s")
    }

    @Test func memoryErrorsCaughtByPcallStillEndTheRun() throws {
        try expectLimit(.memory, LuaLimits(instructions: 0, memoryBytes: 16 << 20, seconds: 0),
                        "while true do pcall(string.rep, 'x', 1 << 30) end")
    }

    @Test func wallClockLimitEndsABusyScript() throws {
        try expectLimit(.time, LuaLimits(instructions: 0, memoryBytes: 0, seconds: 0.3), "while true do end")
    }

    @Test func generousDefaultsLeaveNormalWorkAlone() throws {
        let L = try sandbox(LuaLimits())
        let r = try L.run("local t = {} for i = 1, 100000 do t[i] = ('node%05d'):format(i) end return #t")
        #expect(r == [.integer(100000)])
        #expect(L.limitHit == nil)
        #expect(L.instructionsUsed > 0)
    }
}
