/// `bramble init`: copies the starter files of stdlib/init (common/, then FAMILY/, which overrides)
/// into a new folder, filling in @STDLIB@ (for the editor's type library) and @FAMILY@.
public struct SiteScaffold {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    let stdlib: String

    public init(stdlib: String) { self.stdlib = stdlib }

    public var families: [String] {
        ((try? LocalHost().list(stdlib + "/init")) ?? []).filter { $0 != "common" && LocalHost().info(stdlib + "/init/" + $0)?.kind == .directory }
    }

    /// Returns the files created, as paths under `dir`.
    public func create(in dir: String, family: String) throws -> [String] {
        let local = LocalHost()
        guard families.contains(family) else {
            throw Failure(description: "--family \(family): unknown family (known: \(families.joined(separator: ", ")))")
        }
        let absolute = dir.hasPrefix("/") ? dir : currentDirectory() + "/" + dir
        if let info = local.info(absolute) {
            guard info.kind == .directory, (try? local.list(absolute))?.isEmpty == true else {
                throw Failure(description: "\(dir) exists and is not an empty folder; choose a new one")
            }
        } else {
            do { try AuditLog.makeParents(absolute, mode: 0o755) } catch { throw Failure(description: "\(dir): \(error)") }
        }
        var files: [String: [UInt8]] = [:]
        for layer in ["common", family] {
            let folder = stdlib + "/init/" + layer
            for name in (try? local.list(folder)) ?? [] where local.info(folder + "/" + name)?.kind == .file {
                files[name] = try local.read(folder + "/" + name)
            }
        }
        var created: [String] = []
        for (name, data) in files.sorted(by: { $0.key < $1.key }) {
            let text = String(decoding: data, as: UTF8.self)
                .replacingOccurrences(of: "@STDLIB@", with: StdlibLocator.realPath(stdlib))
                .replacingOccurrences(of: "@FAMILY@", with: family)
            do {
                try local.write(absolute + "/" + name, Array(text.utf8), mode: 0o644, uid: nil, gid: nil)
            } catch { throw Failure(description: "\(dir)/\(name): \(error)") }
            created.append(dir + "/" + name)
        }
        return created
    }
}
