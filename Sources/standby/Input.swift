#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import StandbyKit

/// Reads a spec: a path, or `-` for standard input (shown as `<stdin>`).
///
/// A file larger than the input limit is not read at all: its size is enough to
/// refuse it, and the decoder reports the limit as a located error.
func readSource(_ path: String, maxBytes: Int) throws(CommandFailure) -> SourceFile {
    if path == "-" {
        return SourceFile(path: "<stdin>", bytes: try readAll(fd: 0, name: "<stdin>", maxBytes: maxBytes))
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
    return SourceFile(path: path, bytes: try readAll(fd: fd, name: path, maxBytes: maxBytes))
}

/// Reads up to `maxBytes + 1` bytes: one byte over the limit is enough for the
/// decoder to report it.
private func readAll(fd: Int32, name: String, maxBytes: Int) throws(CommandFailure) -> [UInt8] {
    var bytes: [UInt8] = []
    let cap = maxBytes < Int.max ? maxBytes + 1 : maxBytes
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
