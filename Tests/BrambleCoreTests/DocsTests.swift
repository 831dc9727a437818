import Testing
@testable import BrambleCore

/// The API reference cannot drift from the code: every primitive and every argument it takes is there.
@Suite struct DocsTests {
    @Test func theAPIReferenceNamesEveryPrimitiveAndArgument() throws {
        let text = String(decoding: try LocalHost().read(packageRoot + "/docs/api.md"), as: UTF8.self)
        for primitive in Primitives.all {
            guard let heading = text.split(separator: "\n").first(where: { $0.hasPrefix("### `\(primitive.name){") }) else {
                Issue.record("docs/api.md has no section for \(primitive.name)")
                continue
            }
            for parameter in primitive.parameters {
                #expect(heading.contains(parameter), "docs/api.md: \(primitive.name) does not list '\(parameter)'")
            }
        }
    }
}
