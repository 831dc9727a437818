#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// Runs a program from an argv array with posix_spawn: no shell, a clean environment, stdout and
/// stderr captured through poll() (so neither pipe can fill and deadlock), a timeout that ends the
/// whole process group, and a callback per output line for progress display. Synchronous on
/// purpose: the Lua script that asked for the command is waiting for its result anyway.
public enum ProcessRunner {
    /// The most output kept per stream; older output is dropped (the tail is what explains failures).
    public static let captureLimit = 16 << 20

    /// `progress` is called with the seconds since start and the last output line, at each line and
    /// at least once a second while the command runs (for a live progress line).
    public static func run(_ spec: CommandSpec, executable: String? = nil, progress: ((Double, String) -> Void)? = nil) throws -> CommandResult {
        guard let program = spec.argv.first else { throw HostError(.command, "(empty argv)", "no program") }
        let path = executable ?? (program.contains("/") ? program : findProgram(program))
        guard let path else { throw HostError(.command, program, "program not found on PATH (\(PolicyGuard.searchPath.joined(separator: ":")))") }

        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1], inPipe: [Int32] = [-1, -1]
        guard bs_pipe_cloexec(&outPipe) == 0, bs_pipe_cloexec(&errPipe) == 0, bs_pipe_cloexec(&inPipe) == 0 else {
            throw HostError(.command, program, "pipe: \(errnoText())")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        if let cwd = spec.workingDirectory { bs_spawn_addchdir(&actions, cwd) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaultSignals = sigset_t()
        sigfillset(&defaultSignals)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var environment = ["PATH": PolicyGuard.searchPath.joined(separator: ":"), "LANG": "C.UTF-8", "HOME": "/root"]
        for (k, v) in spec.environment { environment[k] = v }
        let envStrings = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }

        var pid: pid_t = 0
        let spawned = withCStrings(spec.argv) { argv in
            withCStrings(envStrings) { envp in
                posix_spawn(&pid, path, &actions, &attributes, argv, envp)
            }
        }
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        if spawned != 0 {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            throw HostError(.command, program, "cannot start \(path): \(String(cString: strerror(spawned)))")
        }
        // stdin: small inputs are written at once; the pipe buffer (64 KiB) holds them
        if let input = spec.standardInput, !input.isEmpty {
            _ = fcntl(inPipe[1], F_SETFL, O_NONBLOCK)
            _ = input.withUnsafeBytes { write(inPipe[1], $0.baseAddress, $0.count) }
        }
        close(inPipe[1])

        let start = monotonicSeconds()
        var lastLine = ""
        let onLine: ((String) -> Void)? = progress.map { report in { line in
            lastLine = line
            report(monotonicSeconds() - start, line)
        } }
        var out = Capture(onLine: onLine), err = Capture(onLine: onLine)
        var timedOut = false
        var fds = [pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0), pollfd(fd: errPipe[0], events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while fds.contains(where: { $0.fd >= 0 }) {
            var waitMs: Int32 = -1
            if spec.timeout > 0 {
                let left = spec.timeout - (monotonicSeconds() - start)
                if left <= 0 {
                    timedOut = true
                    kill(-pid, SIGTERM)
                    break
                }
                waitMs = Int32(min(left * 1000, 1000))
            }
            if progress != nil && waitMs < 0 { waitMs = 1000 }
            let ready = poll(&fds, nfds_t(fds.count), waitMs)
            if ready == 0, let progress { progress(monotonicSeconds() - start, lastLine) }
            if ready < 0 && errno == EINTR { continue }
            for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    if i == 0 { out.append(buffer[0..<n]) } else { err.append(buffer[0..<n]) }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(fds[i].fd)
                    fds[i].fd = -1
                }
            }
        }
        if timedOut {
            // give the group a moment to end on SIGTERM, then make sure
            for _ in 0..<20 {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { pid = 0; break }
                usleep(50_000)
            }
            if pid != 0 { kill(-pid, SIGKILL) }
            for fd in fds where fd.fd >= 0 { close(fd.fd) }
        }
        var status: Int32 = 0
        if pid != 0 { while waitpid(pid, &status, 0) < 0 && errno == EINTR {} }
        out.flushLine()
        err.flushLine()
        let exit: Int32
        if timedOut {
            exit = 124
        } else if status & 0x7f == 0 {
            exit = (status >> 8) & 0xff
        } else {
            exit = 128 + (status & 0x7f)
        }
        return CommandResult(exitCode: exit, standardOutput: out.data, standardError: err.data, timedOut: timedOut)
    }

    public static func findProgram(_ name: String) -> String? {
        for dir in PolicyGuard.searchPath {
            let candidate = dir + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    struct Capture {
        var data: [UInt8] = []
        var line: [UInt8] = []
        let onLine: ((String) -> Void)?

        mutating func append(_ bytes: ArraySlice<UInt8>) {
            data.append(contentsOf: bytes)
            if data.count > ProcessRunner.captureLimit { data.removeFirst(data.count - ProcessRunner.captureLimit) }
            guard let onLine else { return }
            for b in bytes {
                if b == 0x0a || b == 0x0d {
                    if !line.isEmpty { onLine(String(decoding: line, as: UTF8.self)) }
                    line.removeAll(keepingCapacity: true)
                } else if line.count < 4096 {
                    line.append(b)
                }
            }
        }

        mutating func flushLine() {
            if let onLine, !line.isEmpty { onLine(String(decoding: line, as: UTF8.self)) }
            line.removeAll()
        }
    }
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

/// Calls `body` with a NULL-terminated C array of the strings.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
