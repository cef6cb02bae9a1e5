// The one file of the command line that imports the C library. Its file I/O
// goes through swift-system (`FileDescriptor`, `FilePath`, `Errno`, `Stat`);
// what swift-system has no call for is here, each call wrapped in a function
// that throws `Errno` or returns a Swift value:
//
// - the temporary file's signal guard (`signal`, `sigprocmask`, `raise`, and
//   `unlink` on a C string in the handler, which must not allocate), `mkstemp`,
//   and `linkat` through `/proc/self/fd` for an unnamed (`O_TMPFILE`) file;
// - `fsync`, `rename`, `unlink`, `readlink`, `faccessat`, `fchown`, `fchmod`,
//   `umask`, `geteuid`;
// - `isatty`, `getenv`, `exit`, ignoring `SIGPIPE`, and `O_NOCTTY`.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import SystemPackage

/// The C library's calls that swift-system does not have.
enum Platform {
    /// The `errno` of the call that just failed.
    private static var lastError: Errno { Errno(rawValue: errno) }

    /// Writes the file's data and metadata to the disk (`fsync`).
    static func sync(_ fd: FileDescriptor) throws(Errno) {
        guard fsync(fd.rawValue) == 0 else { throw lastError }
    }

    /// Renames `from` over `to` (`rename`), atomically on one file system.
    static func move(_ from: FilePath, over to: FilePath) throws(Errno) {
        let done = from.withPlatformString { f in to.withPlatformString { t in rename(f, t) } }
        guard done == 0 else { throw lastError }
    }

    /// Removes the name `path` (`unlink`); a failure is ignored, as nothing
    /// is left to do about it.
    static func remove(_ path: FilePath) {
        _ = path.withPlatformString { unlink($0) }
    }

    /// Where the symlink `path` points, as written in the link (`readlink`).
    static func linkTarget(_ path: FilePath) throws(Errno) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = buffer.count - 1
        let n = path.withPlatformString { readlink($0, &buffer, count) }
        guard n >= 0 else { throw lastError }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Throws unless the caller may write `path`, by its effective ids (`faccessat` with `AT_EACCESS`).
    static func checkWritable(_ path: FilePath) throws(Errno) {
        guard path.withPlatformString({ faccessat(AT_FDCWD, $0, W_OK, AT_EACCESS) }) == 0 else { throw lastError }
    }

    /// Gives the open file the owner and group `user`, `group` (`fchown`).
    static func changeOwner(_ fd: FileDescriptor, user: UInt32, group: UInt32) throws(Errno) {
        guard fchown(fd.rawValue, user, group) == 0 else { throw lastError }
    }

    /// Gives the open file the permission bits `mode` (`fchmod`).
    static func changeMode(_ fd: FileDescriptor, _ mode: UInt32) throws(Errno) {
        guard fchmod(fd.rawValue, mode_t(mode)) == 0 else { throw lastError }
    }

    /// The process's file mode creation mask, read without changing it.
    static func creationMask() -> UInt32 {
        let mask = umask(0)
        umask(mask)
        return UInt32(mask)
    }

    /// `O_NOCTTY`, which swift-system does not name: opening a terminal does
    /// not make it the process's controlling terminal.
    static let noControllingTerminal = FileDescriptor.OpenOptions(rawValue: O_NOCTTY)

    /// Whether the process runs as root (effective user 0).
    static var isRoot: Bool { geteuid() == 0 }

    /// Whether `fd` is a terminal.
    static func isTerminal(_ fd: FileDescriptor) -> Bool { isatty(fd.rawValue) == 1 }

    /// The environment variable `name`, if it is set.
    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// Ends the process with `status` (the C library's `exit`, which flushes nothing of ours).
    static func end(_ status: Int32) -> Never { exit(status) }

    /// A closed pipe (`| head`) then fails a write with `EPIPE` instead of killing the process.
    static func ignoreBrokenPipe() { signal(SIGPIPE, SIG_IGN) }
}


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
    /// none. Allocated on first use, which ``makeTemporary(_:)`` makes happen before any
    /// handler can run, so the handler only ever reads an initialised global.
    nonisolated(unsafe) static let pending: UnsafeMutablePointer<CChar> = {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(PATH_MAX) + 1)
        buffer.initialize(repeating: 0, count: Int(PATH_MAX) + 1)
        return buffer
    }()

    /// Creates a temporary file from a `mkstemp` template (its `XXXXXX`
    /// replaced in place), records its path and installs the handlers, all with
    /// the signals held: a signal landing between the file's creation and its
    /// recording would leave it behind. A signal that came meanwhile is
    /// delivered once the handlers are in place. Returns the open file.
    static func makeTemporary(_ template: inout [CChar]) throws(Errno) -> FileDescriptor {
        let fd = create(&template) { mkstemp($0) }
        guard fd >= 0 else { throw Errno(rawValue: errno) }
        return FileDescriptor(rawValue: fd)
    }

    /// Gives the unnamed file open as `fd` (`O_TMPFILE`) a name from a
    /// template (its `XXXXXX` replaced by random letters, drawn again while
    /// the name is taken), recorded and guarded as ``makeTemporary(_:)``'s.
    /// Linux links an open file through `/proc/self/fd/N`.
    static func link(_ fd: FileDescriptor, as template: inout [CChar]) throws(Errno) {
        guard linkNamed(fd.rawValue, as: &template) == 0 else { throw Errno(rawValue: errno) }
    }

    /// ``link(_:as:)`` in the C library's terms: returns 0, or -1 with `errno` set.
    private static func linkNamed(_ fd: Int32, as template: inout [CChar]) -> Int32 {
        let source = Array("/proc/self/fd/\(fd)".utf8CString)
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        let x = CChar(bitPattern: UInt8(ascii: "X"))
        // The six X before the final NUL.
        let pattern = template.count >= 7 ? (template.count - 7)..<(template.count - 1) : 0..<0
        guard !pattern.isEmpty, template[pattern].allSatisfy({ $0 == x }) else {
            errno = EINVAL
            return -1
        }
        return create(&template) { base in
            for _ in 0..<100 {
                for i in pattern { base[i] = CChar(bitPattern: letters.randomElement() ?? UInt8(ascii: "X")) }
                #if os(Linux)
                    if linkat(AT_FDCWD, source, AT_FDCWD, base, AT_SYMLINK_FOLLOW) == 0 { return 0 }
                #else
                    errno = ENOTSUP
                    return -1
                #endif
                if errno != EEXIST { return -1 }
            }
            return -1
        }
    }

    /// Runs `make` on the template's buffer (a new file there, or -1 with
    /// `errno` set) with the signals held, and records the name it made.
    private static func create(_ template: inout [CChar], _ make: (UnsafeMutablePointer<CChar>) -> Int32) -> Int32 {
        var fd: Int32 = -1
        var failure: Int32 = 0
        withSignalsBlocked {
            fd = template.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return -1 }
                return make(base)
            }
            failure = errno
            // A path too long for the buffer cannot have been created.
            guard fd >= 0, template.count <= Int(PATH_MAX) + 1 else { return }
            for (i, char) in template.enumerated() { pending[i] = char }
            previous = signals.map { sig in
                let old = signal(sig, removePendingAndDie)
                // A signal ignored on purpose (`nohup`) stays ignored.
                if unsafeBitCast(old, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { signal(sig, SIG_IGN) }
                return old
            }
        }
        errno = failure
        return fd
    }

    /// The handlers in place before ``makeTemporary(_:)``, put back by ``disarm(after:)``.
    nonisolated(unsafe) private static var previous: [sighandler_t?] = []

    /// Runs `body` (the rename or the removal of the temporary file), forgets
    /// the path and puts the previous handlers back, with the signals held so
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
