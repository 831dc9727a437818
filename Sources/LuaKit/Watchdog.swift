import CLuaShim
import Foundation

/// Ends a run that passed its wall-clock limit even when it is stuck inside a C function that runs
/// no Lua instructions (a pathological pattern match, say): first it asks the hook to stop the
/// script; if the run has not ended a grace period later, it exits the process with a clear message.
final class Watchdog: @unchecked Sendable {
    private let timer: DispatchSourceTimer
    static let graceSeconds = 5.0
    /// Exit status used when the watchdog must end the process itself.
    static let exitStatus: Int32 = 4

    init(state: OpaquePointer, limits: UnsafeMutablePointer<bl_limits>, seconds: Double) {
        let queue = DispatchQueue(label: "bramble.lua.watchdog")
        timer = DispatchSource.makeTimerSource(queue: queue)
        nonisolated(unsafe) let L = state
        var fired = false
        timer.schedule(deadline: .now() + seconds, repeating: Self.graceSeconds)
        timer.setEventHandler {
            if !fired {
                fired = true
                bl_interrupt(L)
            } else {
                let message = "bramble: limit reached: wall-clock time limit of \(seconds)s exceeded and the script did not stop; exiting\n"
                FileHandle.standardError.write(message.data(using: .utf8)!)
                _exit(Self.exitStatus)
            }
        }
        _ = limits
        timer.resume()
    }

    func cancel() { timer.cancel() }
}
