#if canImport(Glibc)
import Glibc
#endif

/// Writes to stdout and stderr without buffering surprises (output order matches action order).
public enum Terminal {
    public static func out(_ text: String) { write(1, text) }
    public static func error(_ line: String) { write(2, line.hasSuffix("\n") ? line : line + "\n") }

    static func write(_ fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { buf in
            var offset = 0
            while offset < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n <= 0 { if errno == EINTR { continue }; return }
                offset += n
            }
        }
    }

    public static var isTerminal: Bool { isatty(1) == 1 }
    public static var isErrorTerminal: Bool { isatty(2) == 1 }
    public static func errorRaw(_ text: String) { write(2, text) }
}

public enum Clock {
    public static func now() -> Double { monotonicSeconds() }
}

public enum BrambleVersion {
    public static let string = "0.1.0"
}
