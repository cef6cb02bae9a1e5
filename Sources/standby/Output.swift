#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

import StandbyKit

/// Where a command's product goes: standard output, a character device or FIFO
/// written in place, or a file written whole or not at all (a temporary file
/// in the target's folder, renamed over the target only once everything is
/// written; see ``OutputTarget``).
///
/// The temporary file is unnamed where the system has such files (Linux's
/// `O_TMPFILE`): it has no name while it is written, so a run that ends
/// however it ends (`kill -9`, a crash, a power cut) leaves nothing behind; once
/// complete it is linked under a temporary name and at once renamed over the
/// target. Elsewhere (another system, or a file system without unnamed files)
/// it is a named file, `.NAME.tmp-XXXXXX`, removed on failure and by the
/// signal handlers of ``TemporaryFileGuard``.
final class OutputSink {
    private let fd: Int32
    /// The named temporary file's path; `nil` for a stream, and for an
    /// unnamed file until it is linked.
    private var temporaryPath: String?
    private let finalPath: String?
    /// The temporary file has no name yet (`O_TMPFILE`).
    let isUnnamed: Bool
    /// The name given on the command line, for messages.
    private let name: String
    private var buffer: [UInt8] = []
    private(set) var failure: String?
    /// The reader went away (`| head`, a FIFO's reader): further output is
    /// dropped quietly.
    private(set) var closedByReader = false
    /// Run by ``commit()`` once everything is written and synced, just before
    /// the file replaces its target: a failure thrown here leaves the target
    /// as it is (`fix --in-place` checks that the spec did not change).
    var beforeReplace: (() throws(CommandFailure) -> Void)?

    private init(fd: Int32, temporaryPath: String?, finalPath: String?, name: String, isUnnamed: Bool = false) {
        self.fd = fd
        self.temporaryPath = temporaryPath
        self.finalPath = finalPath
        self.name = name
        self.isUnnamed = isUnnamed
        buffer.reserveCapacity(1 << 16)
    }

    /// Standard output.
    static func standardOutput() -> OutputSink {
        OutputSink(fd: 1, temporaryPath: nil, finalPath: nil, name: "standard output")
    }

    /// A sink for `-o path`: see ``OutputTarget`` for what each kind of target
    /// gets. `inputs` are the specs read, which the output must not be.
    static func file(_ path: String, inputs: [FileIdentity]) throws(CommandFailure) -> OutputSink {
        switch try OutputTarget.resolve(path, inputs: inputs) {
        case .stream(let device):
            // A FIFO's open waits for a reader, as a shell redirection does.
            let fd = open(device, O_WRONLY | O_NOCTTY | O_CLOEXEC)
            guard fd >= 0 else {
                throw CommandFailure(.outputFailed, "cannot write '\(path)': \(errnoText())")
            }
            return OutputSink(fd: fd, temporaryPath: nil, finalPath: nil, name: "'\(path)'")
        case .newFile(let target):
            // mkstemp creates the file 0600; give it the mode a new file would get.
            let mask = umask(0)
            umask(mask)
            return try temporary(beside: target, name: path) { fd in fchmod(fd, 0o666 & ~mask) }
        case .regularFile(let target, let info):
            return try temporary(beside: target, name: path) { fd in
                // The replacement keeps the file's mode and, where we may, its owner.
                if geteuid() == 0 { fchown(fd, info.st_uid, info.st_gid) }
                fchmod(fd, info.st_mode & 0o7777)
            }
        }
    }

    /// A sink that replaces the regular file `target` (the spec, for
    /// `fix --in-place`) and keeps its mode and its owner: refused (74) when
    /// the owner cannot be kept (a file of another user, run by one who is
    /// not root).
    static func replacing(_ target: String, info: stat, name: String) throws(CommandFailure) -> OutputSink {
        try temporary(beside: target, name: name) { fd throws(CommandFailure) in
            var own = stat()
            guard fstat(fd, &own) == 0 else { throw CommandFailure(.outputFailed, "cannot write '\(name)': \(errnoText())") }
            if own.st_uid != info.st_uid || own.st_gid != info.st_gid {
                guard fchown(fd, info.st_uid, info.st_gid) == 0 else {
                    throw CommandFailure(
                        .outputFailed,
                        "cannot rewrite '\(name)' keeping its owner and group (\(errnoText())); write the fixed spec with -o")
                }
            }
            guard fchmod(fd, info.st_mode & 0o7777) == 0 else {
                throw CommandFailure(.outputFailed, "cannot write '\(name)': \(errnoText())")
            }
        }
    }

    /// A new temporary file beside `target`, to be renamed to `target` by
    /// ``commit()``: unnamed where the system allows, else named and guarded
    /// against signals until then. A failure of `setUp` removes it.
    private static func temporary(
        beside target: String, name: String, setUp: (Int32) throws(CommandFailure) -> Void
    ) throws(CommandFailure) -> OutputSink {
        if let fd = unnamedTemporary(in: folder(of: target)) {
            do throws(CommandFailure) {
                try setUp(fd)
            } catch {
                close(fd)
                throw error
            }
            return OutputSink(fd: fd, temporaryPath: nil, finalPath: target, name: "'\(name)'", isUnnamed: true)
        }
        var template = temporaryTemplate(for: target)
        let fd = TemporaryFileGuard.makeTemporary(&template)
        guard fd >= 0 else {
            throw CommandFailure(.outputFailed, "cannot write '\(name)': \(errnoText())")
        }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let sink = OutputSink(fd: fd, temporaryPath: temporary, finalPath: target, name: "'\(name)'")
        do throws(CommandFailure) {
            try setUp(fd)
        } catch {
            sink.discard()
            throw error
        }
        return sink
    }

    /// `.NAME.tmp-XXXXXX` in `target`'s folder, as a C string.
    private static func temporaryTemplate(for target: String) -> [CChar] {
        let base = target.dropFirst(folder(of: target).count)
        return Array("\(folder(of: target)).\(base).tmp-XXXXXX".utf8CString)
    }

    /// An unnamed file open for writing in `folder` (`""`: the current one),
    /// or `nil` where there is none to be had: not Linux, a file system
    /// without `O_TMPFILE`, or no `/proc` to link it through later (then the
    /// named file's own open says what is wrong, if anything is).
    static func unnamedTemporary(in folder: String) -> Int32? {
        #if os(Linux)
            // O_TMPFILE, which Glibc declares for GNU sources only: the same
            // bit on every architecture Swift runs on, with O_DIRECTORY.
            let tmpfile: Int32 = 0o2000_0000 | O_DIRECTORY
            let fd = open(folder.isEmpty ? "." : folder, tmpfile | O_WRONLY | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return nil }
            guard access("/proc/self/fd/\(fd)", F_OK) == 0 else {
                close(fd)
                return nil
            }
            return fd
        #else
            return nil
        #endif
    }

    func write(_ string: String) {
        guard failure == nil, !closedByReader else { return }
        buffer.append(contentsOf: string.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes UTF-8 bytes as they are.
    func write(bytes: UnsafeRawBufferPointer) {
        guard failure == nil, !closedByReader else { return }
        // The renderers hand over pieces of 32 KiB: one that comes with nothing
        // buffered before it goes straight out, uncopied.
        if buffer.isEmpty && bytes.count >= 1 << 15 {
            writeAll(bytes)
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    private func flush() {
        guard failure == nil, !closedByReader, !buffer.isEmpty else {
            buffer.removeAll(keepingCapacity: true)
            return
        }
        buffer.withUnsafeBytes { writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes every byte of `raw`, or records why not.
    private func writeAll(_ raw: UnsafeRawBufferPointer) {
        guard let base = raw.baseAddress else { return }
        var done = 0
        while done < raw.count {
            let n = Glibc.write(fd, base + done, raw.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE && temporaryPath == nil {
                    closedByReader = true
                } else {
                    failure = errnoText()
                }
                return
            }
            done += n
        }
    }

    /// Flushes, and for a file renames it into place. Throws when anything failed
    /// (or ``beforeReplace`` refused); the target is then untouched and the
    /// temporary file gone.
    func commit() throws(CommandFailure) {
        flush()
        guard let finalPath else {
            if fd != 1 && close(fd) != 0 && failure == nil { failure = errnoText() }
            if let failure { throw CommandFailure(.outputFailed, "cannot write to \(name): \(failure)") }
            return
        }
        if failure == nil && fsync(fd) != 0 { failure = errnoText() }
        var refusal: CommandFailure?
        if failure == nil, let beforeReplace {
            do throws(CommandFailure) { try beforeReplace() } catch { refusal = error }
        }
        if isUnnamed {
            // Named only now, and renamed over the target at once: linked
            // under a temporary name, since a link may not replace a file.
            if failure == nil && refusal == nil {
                var template = Self.temporaryTemplate(for: finalPath)
                if TemporaryFileGuard.link(fd, as: &template) == 0 {
                    temporaryPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
                } else {
                    failure = errnoText()
                }
            }
            if close(fd) != 0 && failure == nil { failure = errnoText() }
        } else if close(fd) != 0 && failure == nil {
            failure = errnoText()
        }
        if let temporaryPath {
            TemporaryFileGuard.disarm {
                if failure == nil && refusal == nil && rename(temporaryPath, finalPath) != 0 { failure = errnoText() }
                if failure != nil || refusal != nil { unlink(temporaryPath) }
            }
        }
        if let failure {
            throw CommandFailure(.outputFailed, "cannot write \(name): \(failure)")
        }
        if let refusal { throw refusal }
    }

    /// Drops a file that will not be committed.
    func discard() {
        guard finalPath != nil else { return }
        close(fd)
        if let temporaryPath { TemporaryFileGuard.disarm { unlink(temporaryPath) } }
    }
}

/// A `TextOutputStream` view of a sink, for the renderers; writers that build
/// UTF-8 bytes hand them over as they are.
struct SinkStream: UTF8OutputStream {
    let sink: OutputSink
    mutating func write(_ string: String) { sink.write(string) }
    mutating func write(utf8 bytes: UnsafeRawBufferPointer) { sink.write(bytes: bytes) }
}

/// Standard error, unbuffered per call.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var s = string
        s.withUTF8 { buf in
            var done = 0
            while done < buf.count {
                let n = Glibc.write(2, buf.baseAddress! + done, buf.count - done)
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    return
                }
                done += n
            }
        }
    }
}

func errnoText() -> String {
    String(cString: strerror(errno))
}
