import StandbyKit
import SystemPackage

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
    private let fd: FileDescriptor
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

    private init(fd: FileDescriptor, temporaryPath: String?, finalPath: String?, name: String, isUnnamed: Bool = false) {
        self.fd = fd
        self.temporaryPath = temporaryPath
        self.finalPath = finalPath
        self.name = name
        self.isUnnamed = isUnnamed
        buffer.reserveCapacity(1 << 16)
    }

    /// Standard output.
    static func standardOutput() -> OutputSink {
        OutputSink(fd: .standardOutput, temporaryPath: nil, finalPath: nil, name: "standard output")
    }

    /// A sink for `-o path`: see ``OutputTarget`` for what each kind of target
    /// gets. `inputs` are the specs read, which the output must not be.
    static func file(_ path: String, inputs: [FileIdentity]) throws(CommandFailure) -> OutputSink {
        switch try OutputTarget.resolve(path, inputs: inputs) {
        case .stream(let device):
            // A FIFO's open waits for a reader, as a shell redirection does.
            let fd: FileDescriptor
            do {
                fd = try FileDescriptor.open(
                    systemPath(device), .writeOnly, options: [Platform.noControllingTerminal, .closeOnExec],
                    retryOnInterrupt: false)
            } catch {
                throw CommandFailure(.outputFailed, "cannot write '\(path)': \(error as? Errno ?? .ioError)")
            }
            return OutputSink(fd: fd, temporaryPath: nil, finalPath: nil, name: "'\(path)'")
        case .newFile(let target):
            // mkstemp creates the file 0600; give it the mode a new file would get.
            let mask = Platform.creationMask()
            return try temporary(beside: target, name: path) { fd in try? Platform.changeMode(fd, 0o666 & ~mask) }
        case .regularFile(let target, let info):
            return try temporary(beside: target, name: path) { fd in
                // The replacement keeps the file's mode and, where we may, its owner.
                if Platform.isRoot { try? Platform.changeOwner(fd, user: info.userID.rawValue, group: info.groupID.rawValue) }
                try? Platform.changeMode(fd, UInt32(info.mode.rawValue) & 0o7777)
            }
        }
    }

    /// A sink that replaces the regular file `target` (the spec, for
    /// `fix --in-place`) and keeps its mode and its owner: refused (74) when
    /// the owner cannot be kept (a file of another user, run by one who is
    /// not root).
    static func replacing(_ target: String, info: Stat, name: String) throws(CommandFailure) -> OutputSink {
        try temporary(beside: target, name: name) { fd throws(CommandFailure) in
            let own: Stat
            do throws(Errno) { own = try fd.stat() } catch {
                throw CommandFailure(.outputFailed, "cannot write '\(name)': \(error)")
            }
            if own.userID != info.userID || own.groupID != info.groupID {
                do throws(Errno) {
                    try Platform.changeOwner(fd, user: info.userID.rawValue, group: info.groupID.rawValue)
                } catch {
                    throw CommandFailure(
                        .outputFailed,
                        "cannot rewrite '\(name)' keeping its owner and group (\(error)); write the fixed spec with -o")
                }
            }
            do throws(Errno) { try Platform.changeMode(fd, UInt32(info.mode.rawValue) & 0o7777) } catch {
                throw CommandFailure(.outputFailed, "cannot write '\(name)': \(error)")
            }
        }
    }

    /// A new temporary file beside `target`, to be renamed to `target` by
    /// ``commit()``: unnamed where the system allows, else named and guarded
    /// against signals until then. A failure of `setUp` removes it.
    private static func temporary(
        beside target: String, name: String, setUp: (FileDescriptor) throws(CommandFailure) -> Void
    ) throws(CommandFailure) -> OutputSink {
        if let fd = unnamedTemporary(in: folder(of: target)) {
            do throws(CommandFailure) {
                try setUp(fd)
            } catch {
                try? fd.close()
                throw error
            }
            return OutputSink(fd: fd, temporaryPath: nil, finalPath: target, name: "'\(name)'", isUnnamed: true)
        }
        var template = temporaryTemplate(for: target)
        let fd: FileDescriptor
        do throws(Errno) {
            fd = try TemporaryFileGuard.makeTemporary(&template)
        } catch {
            throw CommandFailure(.outputFailed, "cannot write '\(name)': \(error)")
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
    static func unnamedTemporary(in folder: String) -> FileDescriptor? {
        #if os(Linux)
            // O_TMPFILE, which swift-system does not name and Glibc declares
            // for GNU sources only: the same bit on every architecture Swift
            // runs on, with O_DIRECTORY.
            let tmpfile = FileDescriptor.OpenOptions(rawValue: 0o2000_0000).union(.directory)
            guard
                let fd = try? FileDescriptor.open(
                    systemPath(folder.isEmpty ? "." : folder), .writeOnly, options: tmpfile.union(.closeOnExec),
                    permissions: [.ownerReadWrite], retryOnInterrupt: false)
            else { return nil }
            guard (try? FilePath("/proc/self/fd/\(fd.rawValue)").stat()) != nil else {
                try? fd.close()
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
        var done = 0
        while done < raw.count {
            // `write` retries a call interrupted by a signal (EINTR).
            do {
                done += try fd.write(UnsafeRawBufferPointer(rebasing: raw[done...]))
            } catch {
                let error = error as? Errno ?? .ioError
                if error == .brokenPipe && temporaryPath == nil {
                    closedByReader = true
                } else {
                    failure = error.description
                }
                return
            }
        }
    }

    /// Flushes, and for a file renames it into place. Throws when anything failed
    /// (or ``beforeReplace`` refused); the target is then untouched and the
    /// temporary file gone.
    func commit() throws(CommandFailure) {
        flush()
        guard let finalPath else {
            if fd != .standardOutput { failure = closing(failure) }
            if let failure { throw CommandFailure(.outputFailed, "cannot write to \(name): \(failure)") }
            return
        }
        if failure == nil {
            do throws(Errno) { try Platform.sync(fd) } catch { failure = error.description }
        }
        var refusal: CommandFailure?
        if failure == nil, let beforeReplace {
            do throws(CommandFailure) { try beforeReplace() } catch { refusal = error }
        }
        if isUnnamed {
            // Named only now, and renamed over the target at once: linked
            // under a temporary name, since a link may not replace a file.
            if failure == nil && refusal == nil {
                var template = Self.temporaryTemplate(for: finalPath)
                do throws(Errno) {
                    try TemporaryFileGuard.link(fd, as: &template)
                    temporaryPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
                } catch {
                    failure = error.description
                }
            }
            failure = closing(failure)
        } else {
            failure = closing(failure)
        }
        if let temporaryPath {
            TemporaryFileGuard.disarm {
                if failure == nil && refusal == nil {
                    do throws(Errno) { try Platform.move(systemPath(temporaryPath), over: systemPath(finalPath)) } catch {
                        failure = error.description
                    }
                }
                if failure != nil || refusal != nil { Platform.remove(systemPath(temporaryPath)) }
            }
        }
        if let failure {
            throw CommandFailure(.outputFailed, "cannot write \(name): \(failure)")
        }
        if let refusal { throw refusal }
    }

    /// Closes the file: `failure`, or why the close failed when nothing failed before.
    private func closing(_ failure: String?) -> String? {
        do {
            try fd.close()
        } catch {
            return failure ?? (error as? Errno ?? .ioError).description
        }
        return failure
    }

    /// Drops a file that will not be committed.
    func discard() {
        guard finalPath != nil else { return }
        try? fd.close()
        if let temporaryPath { TemporaryFileGuard.disarm { Platform.remove(systemPath(temporaryPath)) } }
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
                // `write` retries a call interrupted by a signal (EINTR).
                guard let n = try? FileDescriptor.standardError.write(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buf[done...]))),
                    n > 0
                else { return }
                done += n
            }
        }
    }
}
