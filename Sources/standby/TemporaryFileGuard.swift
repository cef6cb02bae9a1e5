#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Removes the report's temporary file when SIGINT, SIGTERM or SIGHUP ends the
/// run mid-write, then lets the signal end the process as it would have
/// (re-raised with its default action).
///
/// A signal handler may only do async-signal-safe work: no allocation, no
/// locks, no Swift strings. So the path waits, as a C string, in a buffer
/// allocated once before any handler is installed, and the handler only calls
/// `unlink`, `signal` and `raise`.
enum TemporaryFileGuard {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// The temporary file's path, NUL-terminated; an empty string when there is
    /// none. Allocated on first use, which ``arm(_:)`` makes happen before any
    /// handler can run, so the handler only ever reads an initialised global.
    nonisolated(unsafe) static let pending: UnsafeMutablePointer<CChar> = {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(PATH_MAX) + 1)
        buffer.initialize(repeating: 0, count: Int(PATH_MAX) + 1)
        return buffer
    }()

    /// Records `path` and installs the handlers. A path too long for the buffer
    /// cannot have been created, so it is never one to guard.
    static func arm(_ path: String) {
        let bytes = Array(path.utf8)
        guard bytes.count <= Int(PATH_MAX), !bytes.contains(0) else { return }
        withSignalsBlocked {
            for (i, byte) in bytes.enumerated() { pending[i] = CChar(bitPattern: byte) }
            pending[bytes.count] = 0
            previous = signals.map { sig in
                let old = signal(sig, removePendingAndDie)
                // A signal ignored on purpose (`nohup`) stays ignored.
                if unsafeBitCast(old, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { signal(sig, SIG_IGN) }
                return old
            }
        }
    }

    /// The handlers in place before ``arm(_:)``, put back by ``disarm(after:)``.
    nonisolated(unsafe) private static var previous: [sighandler_t?] = []

    /// Runs `body` (the rename or the removal of the temporary file), forgets
    /// the path and puts the default handlers back, with the signals held so
    /// none lands between the file's end and the forgetting. A signal that came
    /// meanwhile is delivered afterwards, to the handler it would have had.
    static func disarm(after body: () -> Void) {
        withSignalsBlocked {
            body()
            pending[0] = 0
            for (sig, old) in zip(signals, previous) { signal(sig, old) }
            previous = []
        }
    }

    private static func withSignalsBlocked(_ body: () -> Void) {
        var blocked = sigset_t()
        var previous = sigset_t()
        sigemptyset(&blocked)
        for sig in signals { sigaddset(&blocked, sig) }
        sigprocmask(SIG_BLOCK, &blocked, &previous)
        defer { sigprocmask(SIG_SETMASK, &previous, nil) }
        body()
    }
}

/// The handler: async-signal-safe calls only. `raise` re-sends the signal,
/// which stays blocked until the handler returns and is then delivered with
/// its default action, so the process ends by it (status 128 + n in a shell).
private func removePendingAndDie(_ sig: Int32) {
    let path = TemporaryFileGuard.pending
    if path[0] != 0 { unlink(path) }
    signal(sig, SIG_DFL)
    raise(sig)
}
