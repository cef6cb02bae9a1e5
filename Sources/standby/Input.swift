#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import StandbyKit

/// Reads a spec: a path, or `-` for standard input (shown as `<stdin>`).
///
/// A file larger than the input limit is read only to one byte past the limit:
/// that is enough to refuse it, and the decoder reports the limit as a located
/// error.
func readSource(_ path: String, maxBytes: Int) throws(CommandFailure) -> SourceFile {
    if path == "-" {
        return SourceFile(
            path: "<stdin>", bytes: try readAll(fd: 0, name: "<stdin>", maxBytes: maxBytes, sizeHint: regularFileSize(fd: 0)))
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
    let size = (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : 0
    return SourceFile(path: path, bytes: try readAll(fd: fd, name: path, maxBytes: maxBytes, sizeHint: size))
}

/// The size of the regular file open as `fd`; 0 for anything else (a pipe, a terminal).
private func regularFileSize(fd: Int32) -> Int {
    var info = stat()
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return 0 }
    return Int(info.st_size)
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
