import Testing
@testable import BrambleCore

/// What `render` puts on disk: exactly what the fake host has that its fixture had not, with modes,
/// links and content — by one writer for a small tree and by two for a large one.
@Suite struct RenderWriterTests {
    @Test(arguments: [3, 400])
    func writesWhatChangedAndNothingElse(nodes: Int) throws {
        let host = try fixture("el7")
        let before = host.fs.root
        let fixturePaths = Set(host.fs.paths(under: "/"))
        host.fs.put("/etc/motd", "changed\n")  // a fixture file changed
        host.fs.put("/var/lib/bramble/state.json", "{}")  // Bramble's own state: never rendered
        for i in 0..<nodes {
            let base = "/client_nodes/n\(i)"
            host.fs.ensureDirectory(base + "/var/log")
            host.fs.put(base + "/var/log/lastlog", "node \(i)\n", mode: 0o600)
            host.fs.set(base + "/var/run", .symlink(target: "../run"))
            host.fs.ensureDirectory(base + "/var/empty")
            host.fs.set(base + "/var/empty", .directory(mode: 0o555, uid: 0, gid: 0))
            host.fs.put(base + "/var/empty/keep", "read-only folder, filled anyway\n")
        }
        let out = try Scratch()
        let writer = RenderWriter(folder: out.path + "/r")
        _ = try writer.prepare()?.wait()
        let written = try writer.write(host: host, before: before).paths

        let local = LocalHost(root: out.path + "/r")
        // every written path is on disk as the fake host has it
        for path in written {
            let info = try #require(local.info(path), "\(path)")
            switch host.fs[path] {
            case .file(let data, let mode, _, _)?:
                #expect(try info.kind == .file && info.mode == mode && local.read(path) == data, "\(path)")
            case .directory(let mode, _, _)?:
                #expect(info.kind == .directory && info.mode == mode, "\(path)")
            case .symlink(let target)?:
                #expect(try info.kind == .symlink && local.readLink(path) == target, "\(path)")
            default:
                Issue.record("\(path) was written but the host has no such node")
            }
        }
        // what changed was written; unchanged fixture paths and Bramble's own state were not
        #expect(written.contains("/etc/motd"))
        #expect(written.count == 1 + 1 + nodes * 7, "motd, /client_nodes, and seven paths per node")
        #expect(!written.contains { fixturePaths.contains($0) && $0 != "/etc/motd" })
        #expect(local.info("/var/lib/bramble") == nil)
        #expect(local.info("/etc/passwd") == nil)
        #expect(try local.list("/etc") == ["motd"])
    }
}
