import LuaKit

/// What an action found and did. The status is decided here, by the core, from the state it saw
/// (hashes, metadata, exit codes) — never reported by the script.
public enum ActionStatus: String, Sendable {
    case ok, changed, unknown, skipped, failed, denied
}

public struct ActionOutcome {
    public var status: ActionStatus
    /// Audit fields beyond the common ones (path, before, after, backup, argv, exit…).
    public var fields: [(String, JSON)]
    public var diff: String
    /// Extra fields of the table returned to Lua.
    public var luaFields: [String: LuaValue]

    public init(_ status: ActionStatus, fields: [(String, JSON)] = [], diff: String = "", luaFields: [String: LuaValue] = [:]) {
        self.status = status
        self.fields = fields
        self.diff = diff
        self.luaFields = luaFields
    }
}

/// A failure of an action that is not a refusal: bad arguments, a command that failed, a validator
/// that rejected a file. Raised in Lua as "<action>: <message>".
public struct ActionFailure: Error, CustomStringConvertible {
    public let message: String
    public var fields: [(String, JSON)]
    public init(_ message: String, fields: [(String, JSON)] = []) {
        self.message = message
        self.fields = fields
    }
    public var description: String { message }
}

/// One run: the host, the policy and its guard, the audit log and the backups. Every primitive
/// goes through `perform`, which logs exactly one record per call, allowed or refused.
public final class Session {
    public let host: Host
    public private(set) var guardian: PolicyGuard
    public let audit: AuditLog
    public let backups: BackupStore
    /// The step name recorded with each action (set by the playbook engine).
    public var step: String?
    public private(set) var counts: [ActionStatus: Int] = [:]
    /// Messages of refusals raised into Lua, to tell an uncaught refusal (exit 3) from other failures.
    public private(set) var denialMessages: Set<String> = []
    /// Whether a playbook may still declare its policy (once, before it acts).
    public var mayDeclarePolicy: Bool
    /// Folders searched for `template{template=NAME}`, in order (site folder first).
    public var templateFolders: [String] = []
    /// Diffs of changed files, in order, for plan output.
    public private(set) var diffs: [(path: String, diff: String)] = []
    /// Where `print` and progress go.
    public var output: (String) -> Void = { print($0, terminator: "") }
    /// Called with (action, status, subject) after each action, for live display.
    public var onAction: ((JSON) -> Void)?

    public init(host: Host, policy: Policy, audit: AuditLog, backups: BackupStore = BackupStore(), mayDeclarePolicy: Bool = false) {
        self.host = host
        self.guardian = PolicyGuard(policy: policy, host: host)
        self.audit = audit
        self.backups = backups
        self.mayDeclarePolicy = mayDeclarePolicy
    }

    public var policy: Policy { guardian.policy }
    public var isPlan: Bool { host.kind == .plan }

    /// A playbook's manifest: accepted once, before any action; it replaces the closed policy.
    public func declare(_ policy: Policy, origin: String) throws {
        guard mayDeclarePolicy else {
            let message = "declare_policy: denied: the policy is fixed for this run (only a playbook run by apply/plan/render declares one, once, before it acts)"
            audit.record(common("declare_policy", .denied, origin) + [("reason", .string(message))])
            count(.denied)
            denialMessages.insert(message)
            throw LuaRaise(message)
        }
        mayDeclarePolicy = false
        guardian = PolicyGuard(policy: policy, host: host)
        audit.record(common("declare_policy", .ok, origin) + [("policy", policy.json)])
        count(.ok)
    }

    private func common(_ action: String, _ status: ActionStatus, _ origin: String) -> [(String, JSON)] {
        [("step", step.map(JSON.string) ?? .null), ("action", .string(action)), ("status", .string(status.rawValue)), ("origin", .string(origin))]
    }

    private func count(_ status: ActionStatus) { counts[status, default: 0] += 1 }

    /// Runs one action: logs it (one record), counts its status, and turns a refusal or failure into
    /// a Lua error naming the action. `subject` fields (path, argv) are logged even when it fails.
    public func perform(_ action: String, origin: String, subject: [(String, JSON)], _ body: () throws -> ActionOutcome) throws -> ActionOutcome {
        // no policy can be declared once the run has acted
        if action != "log" { mayDeclarePolicy = false }
        let start = monotonicSeconds()
        func elapsed() -> JSON {
            let microseconds = ((monotonicSeconds() - start) * 1_000_000).rounded()
            return .double(microseconds / 1000)
        }
        do {
            let outcome = try body()
            var fields = Session.unique(common(action, outcome.status, origin) + subject + outcome.fields)
            fields.append(("ms", elapsed()))
            let record = audit.record(fields)
            count(outcome.status)
            if outcome.status != .ok, !outcome.diff.isEmpty, let path = subject.first(where: { $0.0 == "path" })?.1.stringValue {
                diffs.append((path, outcome.diff))
            }
            onAction?(record)
            return outcome
        } catch let denial as PolicyDenial {
            let record = audit.record(common(action, .denied, origin) + subject + [("reason", .string(denial.reason)), ("ms", elapsed())])
            count(.denied)
            onAction?(record)
            denialMessages.insert(denial.description)
            throw LuaRaise(denial.description)
        } catch let failure as ActionFailure {
            let record = audit.record(common(action, .failed, origin) + subject + failure.fields + [("error", .string(failure.message)), ("ms", elapsed())])
            count(.failed)
            onAction?(record)
            throw LuaRaise("\(action): \(failure.message)")
        } catch let raise as LuaRaise {
            // bad arguments found inside the body
            let record = audit.record(common(action, .failed, origin) + subject + [("error", .string(raise.message)), ("ms", elapsed())])
            count(.failed)
            onAction?(record)
            throw raise
        } catch {
            let record = audit.record(common(action, .failed, origin) + subject + [("error", .string(String(describing: error))), ("ms", elapsed())])
            count(.failed)
            onAction?(record)
            throw LuaRaise("\(action): \(error)")
        }
    }

    /// The fields without a repeated key (the first one stays): each key appears once in a record.
    static func unique(_ fields: [(String, JSON)]) -> [(String, JSON)] {
        // a record has a dozen fields: comparing them beats hashing them
        var out: [(String, JSON)] = []
        out.reserveCapacity(fields.count + 1)
        for field in fields where !out.contains(where: { $0.0 == field.0 }) { out.append(field) }
        return out
    }

    /// Whether an error message that ended a script came from an uncaught refusal.
    public func isDenial(_ message: String) -> Bool {
        denialMessages.contains { message.hasSuffix($0) }
    }

    public var summary: JSON {
        .object(ActionStatus.allCases.map { ($0.rawValue, .int(Int64(counts[$0] ?? 0))) })
    }

    /// "3 ok, 2 changed, 0 unknown, 0 failed, 0 denied"
    public var summaryLine: String {
        ActionStatus.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
    }
}

extension ActionStatus: CaseIterable {}
