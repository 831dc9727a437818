import BrambleCore

/// One status line on the terminal for long commands (image build, rsync, dracut): the step, the
/// program, the seconds so far and its last output line; rewritten in place, cleared at the end.
enum Progress {
    static func attach(to host: LocalHost, session: Session) {
        nonisolated(unsafe) var lastDraw = 0.0
        host.onCommandProgress = { argv, elapsed, line in
            // a command that ends within a second needs no progress line
            guard elapsed >= 1, elapsed - lastDraw >= 0.2 || line.isEmpty else { return }
            lastDraw = elapsed
            let program = LogicalPath.name(argv.first ?? "?")
            var text = "[\(session.step ?? "-")] \(program) \(Int(elapsed))s"
            if !line.isEmpty { text += ": " + line }
            Terminal.errorRaw("\r\u{1b}[2K" + String(text.prefix(Progress.width)))
        }
        host.onCommandEnd = {
            if lastDraw > 0 { Terminal.errorRaw("\r\u{1b}[2K") }
            lastDraw = 0
        }
    }

    static var width: Int {
        if let columns = getenv("COLUMNS").flatMap({ Int(String(cString: $0)) }), columns > 20 { return columns - 1 }
        return 119
    }
}

#if canImport(Glibc)
import Glibc
#endif
