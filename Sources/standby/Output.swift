#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

import StandbyKit

/// Where a command's product goes: standard output, or a file written whole or not
/// at all (a temporary file in the target's folder, renamed over the target only
/// once everything is written).
final class OutputSink {
    private let fd: Int32
    private let temporaryPath: String?
    private let finalPath: String?
    private var buffer: [UInt8] = []
    private(set) var failure: String?
    /// The reader went away (`| head`): further output is dropped quietly.
    private(set) var closedByReader = false

    private init(fd: Int32, temporaryPath: String?, finalPath: String?) {
        self.fd = fd
        self.temporaryPath = temporaryPath
        self.finalPath = finalPath
        buffer.reserveCapacity(1 << 16)
    }

    /// Standard output.
    static func standardOutput() -> OutputSink {
        OutputSink(fd: 1, temporaryPath: nil, finalPath: nil)
    }

    /// A new temporary file beside `path`, to be renamed to `path` by ``commit()``.
    static func file(_ path: String) throws(CommandFailure) -> OutputSink {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(folder).\(base).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw CommandFailure(.outputFailed, "cannot write '\(path)': \(errnoText())")
        }
        // mkstemp creates the file 0600; give it the mode a new file would get.
        let mask = umask(0)
        umask(mask)
        fchmod(fd, 0o666 & ~mask)
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return OutputSink(fd: fd, temporaryPath: temporary, finalPath: path)
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
            if let failure { throw CommandFailure(.outputFailed, "cannot write to standard output: \(failure)") }
            return
        }
        if failure == nil && fsync(fd) != 0 { failure = errnoText() }
        if close(fd) != 0 && failure == nil { failure = errnoText() }
        if failure == nil && rename(temporaryPath, finalPath) != 0 { failure = errnoText() }
        if let failure {
            unlink(temporaryPath)
            throw CommandFailure(.outputFailed, "cannot write '\(finalPath)': \(failure)")
        }
    }

    /// Drops a file that will not be committed.
    func discard() {
        if let temporaryPath {
            close(fd)
            unlink(temporaryPath)
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
