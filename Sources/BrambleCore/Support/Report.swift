#if canImport(Glibc)
import Glibc
#endif

/// Human-readable lines for audit records: status, action, target, origin — and diffs for a plan.
public struct Report {
    public let color: Bool

    public init(color: Bool = Report.colorWanted()) { self.color = color }

    /// Colour when stdout is a terminal and NO_COLOR is unset (https://no-color.org).
    public static func colorWanted() -> Bool {
        isatty(1) == 1 && getenv("NO_COLOR") == nil
    }

    func paint(_ status: String) -> String {
        let padded = status.padding(9)
        guard color else { return padded }
        let code: String
        switch status {
        case "ok": code = "32"
        case "changed": code = "33"
        case "unknown", "skipped": code = "36"
        case "failed", "denied": code = "31"
        default: code = "0"
        }
        return "\u{1b}[\(code)m\(padded)\u{1b}[0m"
    }

    /// One line for a record; nil for the run's own start/end records.
    public func line(_ record: JSON) -> String? {
        guard let action = record["action"]?.stringValue, action != "start", action != "end" else { return nil }
        let status = record["status"]?.stringValue ?? "?"
        var target = record["path"]?.stringValue ?? record["unit"]?.stringValue ?? record["message"]?.stringValue ?? ""
        if case .array(let argv)? = record["argv"], target.isEmpty { target = argv.compactMap { $0.stringValue }.joined(separator: " ") }
        if case .array(let pkgs)? = record["packages"], target.isEmpty { target = pkgs.compactMap { $0.stringValue }.joined(separator: " ") }
        if let chroot = record["chroot"]?.stringValue { target += " (in \(chroot))" }
        let step = record["step"]?.stringValue.map { "[\($0)] " } ?? ""
        var text = "\(paint(status)) \(step)\(action) \(target)"
        if let origin = record["origin"]?.stringValue, !origin.isEmpty { text += "  \(origin)" }
        if let reason = record["reason"]?.stringValue, status == "denied" || status == "skipped" || status == "unknown" { text += "\n          \(reason)" }
        if let error = record["error"]?.stringValue { text += "\n          \(error)" }
        return text
    }
}

extension String {
    public func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
