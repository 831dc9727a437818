/// Fake hosts for `--fake` and specs: a built-in fixture by name (stdlib/fixtures/NAME) or a folder.
public enum FixtureLoader {
    public static func load(_ nameOrFolder: String, stdlib: String) throws -> FakeHost {
        let isName = !nameOrFolder.contains("/")
        let folder = isName ? stdlib + "/fixtures/" + nameOrFolder : nameOrFolder
        if isName && LocalHost().info(folder) == nil {
            let known = ((try? LocalHost().list(stdlib + "/fixtures")) ?? []).joined(separator: ", ")
            throw HostError(.notFound, nameOrFolder, "no built-in fixture of that name (known: \(known))")
        }
        return try FakeHost.seeded(fromFolder: folder.hasPrefix("/") ? folder : currentDirectory() + "/" + folder)
    }
}
