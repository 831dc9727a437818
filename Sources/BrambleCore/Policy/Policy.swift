/// What a run may do. Closed by default; opened only by the operator's flags or, for a playbook,
/// by the manifest it declares once before it acts (and which `plan` shows).
public struct Policy: Sendable, Equatable {
    /// Subtrees that may be written (logical paths).
    public var writeRoots: [String]
    /// Program names or absolute paths that may be run.
    public var programs: [String]
    /// Image roots a command may be chrooted into; paths inside them resolve as if chrooted.
    public var chrootRoots: [String]

    public init(writeRoots: [String] = [], programs: [String] = [], chrootRoots: [String] = []) {
        self.writeRoots = writeRoots.map(LogicalPath.normalize)
        self.programs = programs
        self.chrootRoots = chrootRoots.map(LogicalPath.normalize)
    }

    public static let closed = Policy()

    public var json: JSON {
        .object([
            ("write", .array(writeRoots.map { .string($0) })),
            ("run", .array(programs.map { .string($0) })),
            ("chroot", .array(chrootRoots.map { .string($0) })),
        ])
    }
}

/// A refusal: the action was not attempted. Logged with status "denied"; a Lua error the script may catch.
public struct PolicyDenial: Error, CustomStringConvertible, Equatable {
    public let action: String
    public let subject: String
    public let reason: String

    public var description: String { "\(action): denied: \(subject): \(reason)" }
}

/// Checks paths and programs against a policy, on one host. Write roots and image roots are
/// resolved on that host once, so a root that is itself a symlink (/nfs -> /srv/nfs) still matches.
public final class PolicyGuard {
    public let policy: Policy
    let host: Host
    public let resolver: PathResolver
    let resolvedWriteRoots: [String]
    let resolvedChrootRoots: [String]
    /// Where programs are looked up: the clean PATH commands run with.
    public static let searchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    public init(policy: Policy, host: Host) {
        self.policy = policy
        self.host = host
        let plain = PathResolver()
        let chroots = policy.chrootRoots.map { (try? plain.resolve($0, on: host)) ?? $0 }
        resolvedChrootRoots = chroots
        resolver = PathResolver(imageRoots: chroots)
        var roots: [String] = []
        for root in policy.writeRoots {
            roots.append(root)
            if let r = try? plain.resolve(root, on: host), r != root { roots.append(r) }
        }
        resolvedWriteRoots = roots
    }

    /// Files no playbook needs to read and none may copy into a served tree: credentials.
    static let secrets = ["/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/root/.ssh", "/etc/ssh/ssh_host_", "/etc/sudoers",
                          "/var/lib/bramble/backups"]

    /// Resolves `path` for reading: allowed anywhere on the host but the credentials in `secrets`.
    public func resolveForRead(_ path: String, followFinal: Bool = true, action: String = "read_file") throws -> String {
        let resolved = try resolver.resolve(path, on: host, followFinal: followFinal)
        if Self.isCredential(resolved) {
            throw PolicyDenial(action: action, subject: "'\(path)'", reason: "reading credentials is never allowed")
        }
        return resolved
    }

    /// Whether a resolved path is one of `secrets` or inside any user's .ssh folder.
    static func isCredential(_ path: String) -> Bool {
        LogicalPath.hasComponent(path, ".ssh")
            || secrets.contains { $0.hasSuffix("_") ? path.hasPrefix($0) : LogicalPath.isWithin(path, $0) }
    }

    /// Resolves `path` and checks that the result is inside a write root.
    public func resolveForWrite(_ path: String, action: String, followFinal: Bool = true) throws -> String {
        let resolved = try resolver.resolve(path, on: host, followFinal: followFinal)
        guard resolvedWriteRoots.contains(where: { LogicalPath.isWithin(resolved, $0) }) else {
            let shown = resolved == path ? "'\(path)'" : "'\(path)' (resolves to '\(resolved)')"
            let roots = policy.writeRoots.isEmpty ? "none (use --allow-write)" : policy.writeRoots.joined(separator: ", ")
            throw PolicyDenial(action: action, subject: shown, reason: "outside the write roots (allowed: \(roots))")
        }
        return resolved
    }

    /// Whether `path` (resolved) is an ancestor of a write root.
    public func leadsToWriteRoot(_ path: String) -> Bool {
        resolvedWriteRoots.contains { LogicalPath.isWithin($0, path) }
    }

    /// Checks that `argv[0]` may be run.
    public func checkProgram(_ argv: [String], action: String) throws {
        guard let program = argv.first, !program.isEmpty else {
            throw PolicyDenial(action: action, subject: "(empty argv)", reason: "no program given")
        }
        if policy.programs.contains(program) { return }
        if program.contains("/") {
            // an absolute path is allowed when its name is allowed and it is where PATH would find it
            if program.hasPrefix("/"), policy.programs.contains(LogicalPath.name(program)),
                Self.searchPath.contains(LogicalPath.parent(program))
            {
                return
            }
        } else if policy.programs.contains(where: { $0.hasPrefix("/") && LogicalPath.name($0) == program }) {
            return
        }
        let allowed = policy.programs.isEmpty ? "none (use --allow-run)" : policy.programs.joined(separator: ", ")
        throw PolicyDenial(action: action, subject: "'\(program)'", reason: "program not allowed (allowed: \(allowed))")
    }

    /// Checks that `root` is a declared image root; returns it resolved.
    public func checkChroot(_ root: String, action: String) throws -> String {
        let resolved = try PathResolver().resolve(root, on: host)
        guard resolvedChrootRoots.contains(resolved) || policy.chrootRoots.contains(LogicalPath.normalize(root)) else {
            let allowed = policy.chrootRoots.isEmpty ? "none (use --allow-chroot)" : policy.chrootRoots.joined(separator: ", ")
            throw PolicyDenial(action: action, subject: "'\(root)'", reason: "not a declared image root (allowed: \(allowed))")
        }
        return resolved
    }
}
