import Testing
@testable import BrambleCore

@Suite struct JSONTests {
    @Test func roundTripsWhatTheAuditLogWrites() throws {
        let value = JSON.object([("s", .string("a\"b\\c\nd\u{1}é")), ("n", .int(-3)), ("d", .double(0.25)), ("b", .bool(true)), ("z", .null),
                                 ("a", .array([.int(1), .object([])])), ("ms", .double(1.0)), ("e", .string("\"\t\r\u{1f}")), ("", .string(""))])
        let text = value.serialized()
        #expect(text == #"{"s":"a\"b\\c\nd\u0001é","n":-3,"d":0.25,"b":true,"z":null,"a":[1,{}],"ms":1,"e":"\"\t\r\u001f","":""}"#)
        #expect(try JSON.parse(text) == value.withDoublesAsWritten)
    }

    @Test func parsesEveryLineOfARealLog() throws {
        let out = try Scratch()
        let r = try ProcessRunner.run(CommandSpec(argv: [CLITests.binary, "render", packageRoot + "/examples/seed-centos7/site.lua", "--out", out.path + "/r"], timeout: 60))
        #expect(r.exitCode == 0)
        let text = String(decoding: try LocalHost().read(out.path + "/r/audit.jsonl"), as: UTF8.self)
        for line in text.split(separator: "\n") {
            do { _ = try JSON.parse(String(line)) } catch { Issue.record("\(error): \(line)") }
        }
    }
}

extension JSON {
    /// Integral doubles are written as integers, and so read back.
    var withDoublesAsWritten: JSON {
        switch self {
        case .double(let d) where d == d.rounded(): return .int(Int64(d))
        case .array(let a): return .array(a.map(\.withDoublesAsWritten))
        case .object(let f): return .object(f.map { ($0.0, $0.1.withDoublesAsWritten) })
        default: return self
        }
    }
}
