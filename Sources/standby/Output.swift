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
final class OutputSink {
    private let fd: Int32
    private let temporaryPath: String?
    private let finalPath: String?
    /// The name given on the command line, for messages.
    private let name: String
    private var buffer: [UInt8] = []
    private(set) var failure: String?
    /// The reader went away (`| head`, a FIFO's reader): further output is
    /// dropped quietly.
    private(set) var closedByReader = false

    private init(fd: Int32, temporaryPath: String?, finalPath: String?, name: String) {
        self.fd = fd
        self.temporaryPath = temporaryPath
        self.finalPath = finalPath
        self.name = name
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

    /// A new temporary file beside `target`, to be renamed to `target` by
    /// ``commit()``, guarded against signals until then.
    private static func temporary(
        beside target: String, name: String, setUp: (Int32) -> Void
    ) throws(CommandFailure) -> OutputSink {
        let base = target.dropFirst(folder(of: target).count)
        var template = Array("\(folder(of: target)).\(base).tmp-XXXXXX".utf8CString)
        let fd = TemporaryFileGuard.makeTemporary(&template)
        guard fd >= 0 else {
            throw CommandFailure(.outputFailed, "cannot write '\(name)': \(errnoText())")
        }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        setUp(fd)
        return OutputSink(fd: fd, temporaryPath: temporary, finalPath: target, name: "'\(name)'")
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

    /// Flushes, and for a file renames it into place. Throws when anything failed;
    /// the target is then untouched and the temporary file removed.
    func commit() throws(CommandFailure) {
        flush()
        guard let temporaryPath, let finalPath else {
            if fd != 1 && close(fd) != 0 && failure == nil { failure = errnoText() }
            if let failure { throw CommandFailure(.outputFailed, "cannot write to \(name): \(failure)") }
            return
        }
        if failure == nil && fsync(fd) != 0 { failure = errnoText() }
        if close(fd) != 0 && failure == nil { failure = errnoText() }
        TemporaryFileGuard.disarm {
            if failure == nil && rename(temporaryPath, finalPath) != 0 { failure = errnoText() }
            if failure != nil { unlink(temporaryPath) }
        }
        if let failure {
            throw CommandFailure(.outputFailed, "cannot write \(name): \(failure)")
        }
    }

    /// Drops a file that will not be committed.
    func discard() {
        if let temporaryPath {
            close(fd)
            TemporaryFileGuard.disarm { unlink(temporaryPath) }
        }
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
