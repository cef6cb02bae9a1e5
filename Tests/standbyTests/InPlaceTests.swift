import Foundation
import Testing

@testable import standby

#if canImport(Glibc)
    import Glibc
#endif

/// `fix --in-place`: the spec is replaced only when that loses nothing, and
/// left exactly as it is otherwise.
@Suite struct InPlaceFix {
    static let example = "examples/patent-fig4.yaml"

    /// A copy of the worked example (which `fix` changes) in a fresh folder.
    static func copy(named name: String = "spec.yaml") throws -> (folder: URL, spec: String) {
        let folder = try CLI.temporaryFolder()
        let spec = folder.appendingPathComponent(name).path
        try FileManager.default.copyItem(atPath: CLI.path(example), toPath: spec)
        return (folder, spec)
    }

    static func status(_ path: String) throws -> stat {
        var info = stat()
        try #require(stat(path, &info) == 0, "stat \(path): \(String(cString: strerror(errno)))")
        return info
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// What `fix` makes of the example: the text --in-place must write.
    static func fixed() throws -> Data {
        let r = try CLI.run(["fix", CLI.path(example)])
        #expect(r.status == 0, "\(r.err)")
        return r.stdout
    }

    @Test func aWritableSpecIsReplacedKeepingModeAndOwner() throws {
        let (folder, spec) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try #require(chmod(spec, 0o640) == 0)
        // Root may give the spec another owner, which the new file must keep.
        let owner: (uid_t, gid_t) = getuid() == 0 ? (4321, 8765) : (getuid(), getgid())
        try #require(chown(spec, owner.0, owner.1) == 0)
        let before = try Self.status(spec)
        let r = try CLI.run(["fix", "--in-place", spec])
        #expect(r.status == 0, "\(r.err)")
        #expect(try Self.bytes(spec) == (try Self.fixed()))
        let after = try Self.status(spec)
        #expect(after.st_ino != before.st_ino, "replaced through a new file")
        #expect(after.st_mode & 0o7777 == 0o640)
        #expect(after.st_uid == owner.0 && after.st_gid == owner.1)
        #expect(r.err.contains("covers the case short on it"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["spec.yaml"])
    }

    @Test func aSpecThatNeedsNoChangeIsNotRewritten() throws {
        let (folder, spec) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CLI.run(["fix", "--in-place", spec]).status == 0)
        let before = try Self.status(spec)
        let again = try CLI.run(["fix", "--in-place", spec])
        #expect(again.status == 0, "\(again.err)")
        #expect(again.err == "standby: nothing to change: every job starts and every case is covered\n")
        let after = try Self.status(spec)
        #expect(after.st_ino == before.st_ino)
        #expect(after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
    }

    @Test func aSymlinkIsFollowedAndKept() throws {
        let (folder, spec) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let link = folder.appendingPathComponent("link.yaml").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "spec.yaml")
        let r = try CLI.run(["fix", "--in-place", link])
        #expect(r.status == 0, "\(r.err)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "spec.yaml")
        #expect(try Self.bytes(spec) == (try Self.fixed()))
    }

    @Test func aHardLinkedSpecIsRefused() throws {
        let (folder, spec) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let other = folder.appendingPathComponent("other.yaml").path
        try #require(link(spec, other) == 0)
        let original = try Self.bytes(spec)
        let r = try CLI.run(["fix", "--in-place", spec])
        #expect(r.status == 74)
        #expect(r.err == "standby: error: cannot rewrite '\(spec)' in place: it has 2 hard links, and a new file would split it from the others; write the fixed spec with -o instead and copy that over it\n")
        #expect(try Self.bytes(spec) == original)
        #expect(try Self.status(spec).st_ino == (try Self.status(other)).st_ino)
        #expect(try Self.status(spec).st_nlink == 2)
    }

    /// Mode 0444 is refused by its owner's write bit, also for root (whom
    /// access(2) lets write anything): a rename would replace it regardless.
    @Test func aReadOnlySpecIsRefused() throws {
        let (folder, spec) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try #require(chmod(spec, 0o444) == 0)
        let before = try Self.status(spec)
        let r = try CLI.run(["fix", "--in-place", spec])
        #expect(r.status == 74)
        #expect(r.err == "standby: error: cannot rewrite '\(spec)' in place: it is read-only (mode 0444); make it writable first\n")
        #expect(try Self.bytes(spec) == (try Data(contentsOf: URL(fileURLWithPath: CLI.path(Self.example)))))
        #expect(try Self.status(spec).st_ino == before.st_ino)
        #expect(try Self.status(spec).st_mode & 0o7777 == 0o444)
    }

    /// `/dev/stdin` fed by a pipe: refused before anything is read or written.
    @Test func standardInputThroughAPipeIsRefused() throws {
        let r = try CLI.run(["fix", "--in-place", "/dev/stdin"], stdin: try Self.bytes(CLI.path(Self.example)))
        #expect(r.status == 74)
        #expect(r.err == "standby: error: cannot rewrite '/dev/stdin' in place: it is a pipe, not a regular file; write the fixed spec with -o instead\n")
        #expect(r.stdout.isEmpty)
    }

    /// A FIFO is refused without being opened: the test holds both ends, so
    /// a run that opened it could neither hang nor hide what it wrote.
    @Test func aFIFOIsRefusedUnopened() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("spec.fifo").path
        try #require(mkfifo(fifo, 0o600) == 0)
        let both = open(fifo, O_RDWR | O_NONBLOCK)
        try #require(both >= 0)
        defer { close(both) }
        let r = try CLI.run(["fix", "--in-place", fifo])
        #expect(r.status == 74)
        #expect(r.err.contains("cannot rewrite '\(fifo)' in place: it is a pipe, not a regular file"))
        var byte: UInt8 = 0
        #expect(read(both, &byte, 1) == -1 && errno == EAGAIN, "nothing was written into the FIFO")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["spec.fifo"])
    }

    @Test func aCharacterDeviceIsRefused() throws {
        let r = try CLI.run(["fix", "--in-place", "/dev/null"])
        #expect(r.status == 74)
        #expect(r.err.contains("cannot rewrite '/dev/null' in place: it is a character device"))
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    }

    /// The spec changed between reading and replacing: written over in place
    /// (same inode), replaced by another file, or changed to other bytes of
    /// the same size with its modification time put back. Each is refused
    /// (74) and the other edit kept.
    @Test(arguments: ["rewritten", "replaced", "sameSizeAndTime"])
    func aSpecChangedAfterReadingIsLeftAsItIs(_ how: String) throws {
        let (folder, spec) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let read = try readSource(spec, maxBytes: 1 << 20)
        var other = Array(read.source.bytes)
        switch how {
        case "rewritten":
            other += Array("# edited meanwhile\n".utf8)
            let fd = open(spec, O_WRONLY | O_TRUNC)
            try #require(fd >= 0)
            #expect(write(fd, other, other.count) == other.count)
            close(fd)
        case "replaced":
            other += Array("# saved by an editor\n".utf8)
            let saved = folder.appendingPathComponent("saved.yaml").path
            try Data(other).write(to: URL(fileURLWithPath: saved))
            try #require(rename(saved, spec) == 0)
        default:
            // One byte changed, the size and the modification time as they were.
            let at = try #require(other.firstIndex(of: UInt8(ascii: "#")))
            other[at] = UInt8(ascii: " ")
            let fd = open(spec, O_WRONLY)
            try #require(fd >= 0)
            #expect(pwrite(fd, other, other.count, 0) == other.count)
            let mtime = read.status?.st_mtim ?? timespec()
            let times = [mtime, mtime]  // access and modification time
            #expect(futimens(fd, times) == 0)
            close(fd)
            let now = try Self.status(spec)
            #expect(now.st_mtim.tv_sec == read.status?.st_mtim.tv_sec && now.st_mtim.tv_nsec == read.status?.st_mtim.tv_nsec)
        }
        var thrown: CommandFailure?
        do throws(CommandFailure) {
            _ = try InPlace.replace(spec, read: read, with: Array("version: 1\n".utf8))
        } catch {
            thrown = error
        }
        #expect(thrown?.status == .outputFailed)
        #expect(thrown?.message.contains("changed after it was read") == true)
        #expect(try Self.bytes(spec) == Data(other))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["spec.yaml"])
    }

    /// Unchanged, the same call replaces the spec: the refusals above come from the change.
    @Test func anUnchangedSpecIsReplaced() throws {
        let (folder, spec) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let read = try readSource(spec, maxBytes: 1 << 20)
        #expect(try InPlace.replace(spec, read: read, with: Array("version: 1\n".utf8)))
        #expect(try Self.bytes(spec) == Data("version: 1\n".utf8))
        #expect(try !InPlace.replace(spec, read: try readSource(spec, maxBytes: 1 << 20), with: Array("version: 1\n".utf8)))
    }
}
