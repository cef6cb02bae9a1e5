import StandbyKit
import SystemPackage
import YAMLReader

/// A spec as read: its bytes, and what the file behind them is.
struct SpecInput {
    var source: SourceFile
    /// The file read (also behind `-`), which the output must not replace.
    var identity: FileIdentity?
    /// The size of a regular file, as `fstat` gave it; `nil` for a pipe or a
    /// terminal, whose size is known only by reading it.
    var fileSize: Int?
    /// What `fstat` said of a named file as it was opened, for `fix
    /// --in-place` to tell whether it changed before it is replaced.
    var status: Stat?

    /// The file read, as the list of inputs an output must not replace.
    var identities: [FileIdentity] { identity.map { [$0] } ?? [] }
}

/// Reads a spec: a path, or `-` for standard input (shown as `<stdin>`).
///
/// A file larger than the input limit is read only to one byte past the limit:
/// that is enough to refuse it, and the decoder reports the limit as a located
/// error (``compileInput(_:limits:)`` gives it the file's real size).
func readSource(_ path: String, maxBytes: Int) throws(CommandFailure) -> SpecInput {
    if path == "-" {
        let (identity, size) = describe(.standardInput)
        return SpecInput(
            source: SourceFile(
                path: "<stdin>",
                bytes: try readAll(.standardInput, name: "<stdin>", maxBytes: maxBytes, sizeHint: size ?? 0)),
            identity: identity, fileSize: size)
    }
    let fd: FileDescriptor
    let info: Stat
    do {
        fd = try FileDescriptor.open(systemPath(path), .readOnly, retryOnInterrupt: false)
    } catch {
        throw CommandFailure(.inputUnreadable, "cannot read '\(path)': \(error as? Errno ?? .ioError)")
    }
    defer { try? fd.close() }
    do throws(Errno) {
        info = try fd.stat(retryOnInterrupt: false)
    } catch {
        throw CommandFailure(.inputUnreadable, "cannot read '\(path)': \(error)")
    }
    if info.type == .directory {
        throw CommandFailure(.inputUnreadable, "cannot read '\(path)': it is a directory")
    }
    let size = info.type == .regular ? Int(info.size) : nil
    return SpecInput(
        source: SourceFile(path: path, bytes: try readAll(fd, name: path, maxBytes: maxBytes, sizeHint: size ?? 0)),
        identity: FileIdentity(info), fileSize: size, status: info)
}

/// The identity of the file open as `fd`, and its size when it is a regular file.
private func describe(_ fd: FileDescriptor) -> (FileIdentity?, Int?) {
    guard let info = try? fd.stat() else { return (nil, nil) }
    return (FileIdentity(info), info.type == .regular ? Int(info.size) : nil)
}

/// Decodes, validates and compiles a spec read by ``readSource(_:maxBytes:)``.
///
/// The reader sees only the bytes read, one past the limit, so an input too
/// large is reported here with the size `fstat` gave for a regular file, and
/// as "more than the limit" for a pipe, whose size nobody knows.
func compileInput(_ input: SpecInput, limits: YAMLLimits) -> (CompiledSpec?, Diagnostics) {
    let (compiled, diagnostics) = Pipeline.compile(input.source, limits: limits)
    return (compiled, sized(diagnostics, of: input, limits: limits))
}

/// Decodes a spec read by ``readSource(_:maxBytes:)`` without validating it
/// (`fix` removes what validation would find too small), its too-large error
/// sized as ``compileInput(_:limits:)`` sizes it.
func decodeInput(_ input: SpecInput, limits: YAMLLimits) -> (Spec?, Diagnostics) {
    let (spec, diagnostics) = SpecDecoder.decode(input.source.bytes, limits: limits)
    return (spec, sized(diagnostics, of: input, limits: limits))
}

extension InputOptions {
    /// Shows `diagnostics` (the errors of `source`) and returns the failure
    /// that ends the command with `message`: none when the diagnostics are
    /// standard error's one document (JSON, SARIF).
    func specErrors(_ diagnostics: Diagnostics, in source: SourceFile, _ message: String) -> CommandFailure {
        report(diagnostics, in: source)
        return CommandFailure(.specErrors, diagnosticsFormat.isDocument ? "" : message)
    }

    /// `read` decoded, not validated (what `fix`, `place` and `runway` take:
    /// a job that cannot start is theirs to answer), or its errors shown and
    /// the command ended with `message`.
    func decoded(_ read: SpecInput, failing message: String) throws(CommandFailure) -> Spec {
        let (spec, diagnostics) = decodeInput(read, limits: limits)
        guard let spec, !diagnostics.hasErrors else { throw specErrors(diagnostics, in: read.source, message) }
        return spec
    }
}

/// `diagnostics` with the input-too-large error giving the file's size.
private func sized(_ diagnostics: Diagnostics, of input: SpecInput, limits: YAMLLimits) -> Diagnostics {
    guard input.source.bytes.count > limits.maxInputBytes else { return diagnostics }
    let size = input.fileSize.map { "\($0) bytes, " } ?? ""
    return Diagnostics(
        diagnostics.all.map { diagnostic in
            guard diagnostic.code == .inputTooLarge else { return diagnostic }
            var sized = diagnostic
            sized.message = "the input is \(size)more than the limit of \(limits.maxInputBytes) bytes"
            return sized
        })
}

/// Reads up to `maxBytes + 1` bytes: one byte over the limit is enough for the
/// decoder to report it.
///
/// A regular file is read into one buffer of its size plus the byte that
/// shows its end (or that it grew), so the input takes its own size in memory
/// and is never copied; a pipe, or a file that grew, is read on in chunks.
private func readAll(_ fd: FileDescriptor, name: String, maxBytes: Int, sizeHint: Int) throws(CommandFailure) -> [UInt8] {
    let cap = maxBytes < Int.max ? maxBytes + 1 : maxBytes
    var failure: Errno?
    var ended = false
    var bytes = [UInt8](unsafeUninitializedCapacity: sizeHint < cap ? max(0, sizeHint) + 1 : cap) { buffer, count in
        count = 0
        while count < buffer.count {
            // `read` retries a call interrupted by a signal (EINTR).
            let n: Int
            do {
                n = try fd.read(into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[count...])))
            } catch {
                failure = error as? Errno ?? .ioError
                return
            }
            if n == 0 {
                ended = true
                return
            }
            count += n
        }
    }
    if let failure {
        throw CommandFailure(.inputUnreadable, "cannot read '\(name)': \(failure)")
    }
    if ended { return bytes }
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while bytes.count < cap {
        let want = min(chunk.count, cap - bytes.count)
        let n: Int
        do {
            n = try chunk.withUnsafeMutableBytes { try fd.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<want])) }
        } catch {
            throw CommandFailure(.inputUnreadable, "cannot read '\(name)': \(error as? Errno ?? .ioError)")
        }
        if n == 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return bytes
}
