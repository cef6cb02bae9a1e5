#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import StandbyKit
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
    var status: stat?
}

/// Reads a spec: a path, or `-` for standard input (shown as `<stdin>`).
///
/// A file larger than the input limit is read only to one byte past the limit:
/// that is enough to refuse it, and the decoder reports the limit as a located
/// error (``compileInput(_:limits:)`` gives it the file's real size).
func readSource(_ path: String, maxBytes: Int) throws(CommandFailure) -> SpecInput {
    if path == "-" {
        let (identity, size) = describe(fd: 0)
        return SpecInput(
            source: SourceFile(
                path: "<stdin>", bytes: try readAll(fd: 0, name: "<stdin>", maxBytes: maxBytes, sizeHint: size ?? 0)),
            identity: identity, fileSize: size)
    }
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
        throw CommandFailure(.inputUnreadable, "cannot read '\(path)': \(errnoText())")
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
        throw CommandFailure(.inputUnreadable, "cannot read '\(path)': \(errnoText())")
    }
    if (info.st_mode & S_IFMT) == S_IFDIR {
        throw CommandFailure(.inputUnreadable, "cannot read '\(path)': it is a directory")
    }
    let size = (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
    return SpecInput(
        source: SourceFile(path: path, bytes: try readAll(fd: fd, name: path, maxBytes: maxBytes, sizeHint: size ?? 0)),
        identity: FileIdentity(info), fileSize: size, status: info)
}

/// The identity of the file open as `fd`, and its size when it is a regular file.
private func describe(fd: Int32) -> (FileIdentity?, Int?) {
    var info = stat()
    guard fstat(fd, &info) == 0 else { return (nil, nil) }
    return (FileIdentity(info), (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil)
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
private func readAll(fd: Int32, name: String, maxBytes: Int, sizeHint: Int) throws(CommandFailure) -> [UInt8] {
    let cap = maxBytes < Int.max ? maxBytes + 1 : maxBytes
    var failure: Int32 = 0
    var ended = false
    var bytes = [UInt8](unsafeUninitializedCapacity: sizeHint < cap ? max(0, sizeHint) + 1 : cap) { buffer, count in
        count = 0
        guard let base = buffer.baseAddress else { return }
        while count < buffer.count {
            let n = read(fd, base + count, buffer.count - count)
            if n < 0 {
                if errno == EINTR { continue }
                failure = errno
                return
            }
            if n == 0 {
                ended = true
                return
            }
            count += n
        }
    }
    if failure != 0 {
        throw CommandFailure(.inputUnreadable, "cannot read '\(name)': \(String(cString: strerror(failure)))")
    }
    if ended { return bytes }
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while bytes.count < cap {
        let want = min(chunk.count, cap - bytes.count)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, want) }
        if n < 0 {
            if errno == EINTR { continue }
            throw CommandFailure(.inputUnreadable, "cannot read '\(name)': \(errnoText())")
        }
        if n == 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return bytes
}
