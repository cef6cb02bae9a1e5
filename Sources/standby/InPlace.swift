import ArgumentParser
import SystemPackage

/// `fix --in-place`: the spec replaced by its fixed text, whole or not at
/// all (through a temporary file renamed over it, as `-o` writes), and only
/// when replacing it loses nothing. Every refusal exits 74 and leaves the
/// spec as it was:
///
/// - **Not a regular file** (a FIFO, a character device, `/dev/stdin` fed by a
///   pipe): looked at by name before the spec is read, so a FIFO is never
///   opened (its open would wait for a writer) and a pipe is never written.
/// - **More than one hard link**: a new file renamed over one name would
///   split it from the others, which keep the old text.
/// - **Read-only**: no write bit for the file's owner, or no write access
///   for the caller. A rename needs only the folder's permission, so without
///   this check a read-only spec would be replaced all the same; the mode
///   bit is checked as well because root may write any file.
/// - **Changed since it was read**: checked once the new text is written and
///   synced, just before the rename: the same device and inode, size and
///   modification time, and the same bytes. An edit made meanwhile is kept.
///
/// The new file keeps the spec's mode, owner and group (refused when the
/// owner cannot be kept: another user's file, for a caller who is not root).
/// A spec that needs no change is not written at all.
enum InPlace {
    /// Refuses `--in-place` with `-o`, or with the spec on standard input.
    static func validate(spec: String, output: String?) throws {
        guard output == nil else { throw ValidationError("--in-place and -o name two outputs; give one") }
        guard spec != "-" else { throw ValidationError("--in-place needs a spec file, not standard input") }
    }

    /// Refuses a spec that cannot be rewritten, by what its name leads to;
    /// one that is not there, or a folder, is left for reading to report (66).
    static func check(_ path: String) throws(CommandFailure) {
        guard let info = try? systemPath(path).stat(), info.type != .directory else { return }
        try refuse(path, info)
    }

    /// Refuses the spec `path` whose status is `info`, if it cannot be rewritten.
    static func refuse(_ path: String, _ info: Stat) throws(CommandFailure) {
        func refusal(_ why: String) -> CommandFailure {
            CommandFailure(.outputFailed, "cannot rewrite '\(path)' in place: \(why)")
        }
        let withO = "write the fixed spec with -o instead"
        switch info.type {
        case .regular: break
        case .fifo: throw refusal("it is a pipe, not a regular file; \(withO)")
        case .characterSpecial: throw refusal("it is a character device, not a regular file; \(withO)")
        default: throw refusal("it is not a regular file; \(withO)")
        }
        if info.linkCount > 1 {
            throw refusal(
                "it has \(info.linkCount) hard links, and a new file would split it from the others; \(withO) and copy that over it")
        }
        if !info.permissions.contains(.ownerWrite) {
            throw refusal("it is read-only (mode 0\(String(info.mode.rawValue & 0o7777, radix: 8))); make it writable first")
        }
        do throws(Errno) {
            try Platform.checkWritable(systemPath(path))
        } catch {
            throw refusal(error.description)
        }
    }

    /// Writes `text` over the spec that `read` was read from; nothing when it
    /// is the spec's own text. Returns whether it wrote.
    static func replace(_ path: String, read: SpecInput, with text: [UInt8]) throws(CommandFailure) -> Bool {
        guard text != read.source.bytes else { return false }
        guard let before = read.status else {
            throw CommandFailure(.outputFailed, "cannot rewrite '\(path)' in place: it is not a regular file")
        }
        try refuse(path, before)
        let sink = try OutputSink.replacing(try OutputTarget.finalName(path), info: before, name: path)
        sink.beforeReplace = { () throws(CommandFailure) in try unchanged(path, read: read, before: before) }
        text.withUnsafeBytes { sink.write(bytes: $0) }
        try sink.commit()
        return true
    }

    /// Throws unless `path` is still the file `read` read (`before`), with
    /// the same size, modification time and bytes, and may still be rewritten.
    static func unchanged(_ path: String, read: SpecInput, before: Stat) throws(CommandFailure) {
        let changed = CommandFailure(
            .outputFailed, "'\(path)' changed after it was read; it is left as it is now (run fix again)")
        guard let now = try? systemPath(path).stat(), same(now, before) else { throw changed }
        try refuse(path, now)
        let again: SpecInput
        do throws(CommandFailure) {
            // One byte more than before is read if it is there: a file that grew differs.
            again = try readSource(path, maxBytes: read.source.bytes.count)
        } catch {
            throw changed
        }
        guard let status = again.status, same(status, before), again.source.bytes == read.source.bytes else {
            throw changed
        }
    }

    /// The same file (device and inode) with the same size and modification time.
    private static func same(_ a: Stat, _ b: Stat) -> Bool {
        FileIdentity(a) == FileIdentity(b) && a.size == b.size && a.st_mtim.tv_sec == b.st_mtim.tv_sec
            && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec
    }
}
