#if canImport(Glibc)
import Glibc
#endif

/// The JSON Lines audit log: one object per action, allowed or refused, written with one write(2)
/// as the action ends, so a crash loses nothing already done. Each record carries the hash of the
/// previous line (`prev`), so an edited or deleted line shows. Not subject to any log level.
public final class AuditLog {
    public static let version: Int64 = 1
    public let runID: String
    private var fd: Int32 = -1
    private var seq: Int64 = 0
    private var previousHash = ""
    /// Every record of this run, kept in memory for plan output, --json and tests (when `keepRecords`).
    public private(set) var records: [JSON] = []
    public let path: String?
    /// Whether `records` is filled: a long apply that prints nothing but its summary does without.
    public var keepRecords = true

    /// Logs to `path` (appending; created with parents, mode 0600) or only in memory when nil.
    public init(runID: String, path: String?) throws {
        self.runID = runID
        self.path = path
        if let path {
            try AuditLog.makeParents(LogicalPath.parent(path))
            fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw HostError(.io, path, "cannot open the audit log: \(errnoText())") }
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Makes `dir` and its missing parents (0750 by default: logs are not for everyone).
    static func makeParents(_ dir: String, mode: mode_t = 0o750) throws {
        if dir == "/" || dir.isEmpty { return }
        var st = stat()
        if stat(dir, &st) == 0 { return }
        try makeParents(LogicalPath.parent(dir), mode: mode)
        if mkdir(dir, mode) != 0 && errno != EEXIST { throw HostError(.io, dir, "cannot create: \(errnoText())") }
    }

    /// A new run id: UTC time plus a random suffix, sortable by time.
    public static func newRunID() -> String {
        var t = time(nil)
        var tm = tm()
        gmtime_r(&t, &tm)
        let stamp = String(format4(Int(tm.tm_year) + 1900)) + pad(Int(tm.tm_mon) + 1) + pad(Int(tm.tm_mday)) + "T"
            + pad(Int(tm.tm_hour)) + pad(Int(tm.tm_min)) + pad(Int(tm.tm_sec)) + "Z"
        let suffix = String(UInt32.random(in: 0...0xffffff), radix: 16)
        return stamp + "-" + String(repeating: "0", count: 6 - suffix.count) + suffix
    }

    /// Appends a record: `v`, `run`, `seq`, `ts` first, then `fields`, then `prev`.
    @discardableResult
    public func record(_ fields: [(String, JSON)]) -> JSON {
        seq += 1
        var all: [(String, JSON)] = [("v", .int(AuditLog.version)), ("run", .string(runID)), ("seq", .int(seq)), ("ts", .string(AuditLog.timestamp()))]
        all.append(contentsOf: fields)
        if !previousHash.isEmpty { all.append(("prev", .string(previousHash))) }
        let record = JSON.object(all)
        var line: [UInt8] = []
        line.reserveCapacity(512)
        record.write(to: &line)
        previousHash = Hashing.shortSHA256(line)
        line.append(0x0a)
        if fd >= 0 {
            _ = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        }
        if keepRecords { records.append(record) }
        return record
    }

    /// RFC 3339 UTC with milliseconds. The date and time up to the second are formatted once per second.
    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let ms = Int(ts.tv_nsec / 1_000_000)
        let millis = (ms < 10 ? ".00" : ms < 100 ? ".0" : ".") + String(ms) + "Z"
        if ts.tv_sec == cachedSecond { return cachedPrefix + millis }
        var t = ts.tv_sec
        var tm = tm()
        gmtime_r(&t, &tm)
        cachedSecond = ts.tv_sec
        cachedPrefix = format4(Int(tm.tm_year) + 1900) + "-" + pad(Int(tm.tm_mon) + 1) + "-" + pad(Int(tm.tm_mday)) + "T" + pad(Int(tm.tm_hour)) + ":"
            + pad(Int(tm.tm_min)) + ":" + pad(Int(tm.tm_sec))
        return cachedPrefix + millis
    }

    // one process writes one run at a time, from one thread (the Lua thread)
    nonisolated(unsafe) private static var cachedSecond = -1
    nonisolated(unsafe) private static var cachedPrefix = ""

    private static func pad(_ n: Int) -> String { n < 10 ? "0" + String(n) : String(n) }
    private static func format4(_ n: Int) -> String { String(n) }

    /// Reads a JSON Lines log back; a line that does not parse is an error naming its number.
    public static func read(path: String) throws -> [JSON] {
        let host = LocalHost()
        let data = try host.read(path)
        var out: [JSON] = []
        for (n, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            do { out.append(try JSON.parse(String(line))) } catch {
                throw HostError(.io, path, "line \(n + 1): \(error)")
            }
        }
        return out
    }
}
