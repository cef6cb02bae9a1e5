import Foundation
import Testing

@testable import standby

#if canImport(Glibc)
    import Glibc
#endif

/// What `-o` does with each kind of target: only a regular file (or a new
/// name) is replaced through a temporary file; a device or FIFO is written in
/// place, a symlink is followed, the input is never overwritten, a file keeps
/// its mode, and a signal mid-write leaves no temporary file behind.
@Suite struct OutputTargets {
    static let example = "examples/patent-fig4.yaml"

    /// The report `arguments` write to standard output, to compare with what
    /// reached a file.
    static func expected(_ arguments: [String]) throws -> Data {
        let r = try CLI.run(arguments)
        #expect([0, 2].contains(r.status), "\(r.err)")
        return r.stdout
    }

    static func fileType(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    /// Makes the null device, major 1, minor 3 (Linux's encoding of small
    /// numbers: major << 8 | minor), at `path`; what is written to it vanishes.
    static func makeNullDevice(at path: String) -> Bool {
        mknod(path, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0
    }

    /// Whether this run may make a device node and write to it: root, and a
    /// temporary folder not mounted `nodev` (containers often refuse either).
    static let canMakeDevices: Bool = {
        guard getuid() == 0, let dir = try? CLI.temporaryFolder() else { return false }
        let device = dir.appendingPathComponent("probe").path
        guard makeNullDevice(at: device) else { return false }
        let fd = open(device, O_WRONLY)
        defer { if fd >= 0 { close(fd) } }
        return fd >= 0
    }()

    @Test(.enabled(if: canMakeDevices, "needs root and a temporary folder that allows device nodes"))
    func characterDeviceIsWrittenInPlace() throws {
        let dir = try CLI.temporaryFolder()
        let device = dir.appendingPathComponent("null").path
        try #require(Self.makeNullDevice(at: device), "mknod: \(String(cString: strerror(errno)))")
        let r = try CLI.run(["plan", Self.example, "-o", device])
        #expect(r.status == 2, "\(r.err)")
        // Still the device: not renamed over by a regular file.
        #expect(Self.fileType(device) == S_IFCHR)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["null"])
    }

    @Test func fifoIsWrittenInPlace() throws {
        let dir = try CLI.temporaryFolder()
        let fifo = dir.appendingPathComponent("report.fifo").path
        try #require(mkfifo(fifo, 0o600) == 0)
        // The test is the FIFO's reader. Opened non-blocking, the open needs no
        // writer, so nothing waits forever if the binary never opens the FIFO
        // (as when a rename replaced it). The report (a few KiB) fits in the
        // pipe's buffer, so the binary ends before we read.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        try #require(reader >= 0)
        defer { close(reader) }
        let r = try CLI.run(["compile", Self.example, "--format", "csv", "-o", fifo])
        var received = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(reader, &chunk, chunk.count)
            if n <= 0 { break }  // 0: every writer closed; -1 (EAGAIN): none ever wrote
            received.append(contentsOf: chunk[0..<n])
        }
        #expect(r.status == 0, "\(r.err)")
        #expect(received == (try Self.expected(["compile", Self.example, "--format", "csv"])))
        #expect(Self.fileType(fifo) == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.fifo"])
    }

    /// /dev/stdout leads, through /proc/self/fd/1, to the pipe the test reads:
    /// written in place, and /dev/stdout stays the link it was.
    @Test func standardOutputByNameIsWrittenInPlace() throws {
        let before = Self.fileType("/dev/stdout")
        let r = try CLI.run(["compile", Self.example, "--format", "csv", "-o", "/dev/stdout"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.stdout == (try Self.expected(["compile", Self.example, "--format", "csv"])))
        #expect(Self.fileType("/dev/stdout") == before)
    }

    @Test func symlinkIsFollowedAndKept() throws {
        let dir = try CLI.temporaryFolder()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("reports"), withIntermediateDirectories: false)
        let target = dir.appendingPathComponent("reports/table.json").path
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: target))
        let link = dir.appendingPathComponent("latest.json").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "reports/table.json")
        let r = try CLI.run(["compile", Self.example, "-o", link])
        #expect(r.status == 0, "\(r.err)")
        #expect(Self.fileType(link) == S_IFLNK)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "reports/table.json")
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == (try Self.expected(["compile", Self.example, "--format", "json"])))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("reports").path) == ["table.json"])
    }

    @Test func danglingSymlinkCreatesItsTarget() throws {
        let dir = try CLI.temporaryFolder()
        let link = dir.appendingPathComponent("latest.md").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "new.md")
        let r = try CLI.run(["compile", Self.example, "-o", link])
        #expect(r.status == 0, "\(r.err)")
        #expect(Self.fileType(link) == S_IFLNK)
        let target = dir.appendingPathComponent("new.md")
        #expect(try Data(contentsOf: target) == (try Self.expected(["compile", Self.example, "--format", "markdown"])))
    }

    @Test func symlinkLoopIsRefused() throws {
        let dir = try CLI.temporaryFolder()
        let a = dir.appendingPathComponent("a").path
        try FileManager.default.createSymbolicLink(atPath: a, withDestinationPath: "b")
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("b").path, withDestinationPath: "a")
        let r = try CLI.run(["compile", Self.example, "-o", a])
        #expect(r.status == 74)
        #expect(r.err == "standby: error: cannot write '\(a)': Too many levels of symbolic links\n")
    }

    /// The spec as output, named directly, through a symlink, through a hard
    /// link, and read from standard input.
    @Test(arguments: ["same", "symlink", "hardlink", "stdin"])
    func inputAsOutputIsRefused(_ way: String) throws {
        let dir = try CLI.temporaryFolder()
        let spec = dir.appendingPathComponent("spec.yaml").path
        let original = try Data(contentsOf: URL(fileURLWithPath: CLI.path(Self.example)))
        try original.write(to: URL(fileURLWithPath: spec))
        var output = spec
        let r: CLI.Result
        switch way {
        case "symlink":
            output = dir.appendingPathComponent("link.yaml").path
            try FileManager.default.createSymbolicLink(atPath: output, withDestinationPath: "spec.yaml")
            r = try CLI.run(["plan", spec, "-o", output])
        case "hardlink":
            output = dir.appendingPathComponent("hard.yaml").path
            try #require(link(spec, output) == 0)
            r = try CLI.run(["plan", spec, "-o", output])
        case "stdin":
            r = try CLI.run(program: "/bin/sh", ["-c", "exec \"$0\" plan - -o \"$1\" < \"$1\"", CLI.binary.path, spec])
        default:
            r = try CLI.run(["plan", spec, "-o", spec])
        }
        #expect(r.status == 64, "\(way): \(r.err)")
        #expect(r.err == "standby: error: the output '\(output)' is the spec being read; write the report to another file\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: spec)) == original)
        #expect(r.stdout.isEmpty)
    }

    @Test func existingFileKeepsItsMode() throws {
        let dir = try CLI.temporaryFolder()
        let target = dir.appendingPathComponent("private.txt").path
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: target))
        try #require(chmod(target, 0o600) == 0)
        let r = try CLI.run(["compile", Self.example, "-o", target])
        #expect(r.status == 0, "\(r.err)")
        var info = stat()
        try #require(stat(target, &info) == 0)
        #expect(info.st_mode & 0o7777 == 0o600)
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == (try Self.expected(["compile", Self.example])))
    }

    @Test func newFileGetsTheUsualMode() throws {
        let dir = try CLI.temporaryFolder()
        let target = dir.appendingPathComponent("new.txt").path
        let r = try CLI.run(program: "/bin/sh", ["-c", "umask 027 && exec \"$0\" compile \"$1\" -o \"$2\"", CLI.binary.path, CLI.path(Self.example), target])
        #expect(r.status == 0, "\(r.err)")
        var info = stat()
        try #require(stat(target, &info) == 0)
        #expect(info.st_mode & 0o7777 == 0o640)
    }

    /// A start-up table with a thousand jobs, every state: about 20 MB of CSV,
    /// long enough to write that a signal lands mid-write.
    static let slowSpec: String = {
        var s = "version: 1\nmachines:\n  - name: m\n    memory: 256Gi\n    monitor: 1Gi\n    oses:\n"
        s += "      - name: a\n        role: active\n        memory: 128Gi\n        kernel: 1Gi\n        jobs:\n"
        for i in 0..<1000 { s += "          - {name: j\(i), memory: 64Mi}\n" }
        return s
    }()

    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func signalMidWriteLeavesNoTemporaryFile(_ sig: Int32) throws {
        let (spec, out) = try Self.slowRunFolders()
        let pid = try Self.spawnWithSignalsOpen(
            CLI.binary.path, ["compile", spec, "--states", "all", "-o", out.appendingPathComponent("states.csv").path])
        let status = try #require(Self.signalMidWrite(pid, sig, watching: out), "the temporary file never showed up")
        // Killed by the signal (WIFSIGNALED, WTERMSIG), not exited.
        #expect(status & 0x7f == sig, "wait status \(status)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == [])
    }

    /// `kill -9` mid-write, which no handler sees: the unnamed temporary file
    /// vanishes with the process, so nothing is left behind.
    @Test(.enabled(if: unnamedFilesWork, "needs O_TMPFILE in the temporary folder"))
    func killedMidWriteLeavesNothing() throws {
        let (spec, out) = try Self.slowRunFolders()
        let pid = try Self.spawnWithSignalsOpen(
            CLI.binary.path, ["compile", spec, "--states", "all", "-o", out.appendingPathComponent("states.csv").path])
        let status = try #require(Self.signalMidWrite(pid, SIGKILL, watching: out), "the run never opened its file")
        #expect(status & 0x7f == SIGKILL, "wait status \(status)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == [])
    }

    /// Whether this system makes unnamed files in the temporary folder.
    static let unnamedFilesWork: Bool = {
        guard let dir = try? CLI.temporaryFolder() else { return false }
        let fd = open(dir.path, 0o2000_0000 | O_DIRECTORY | O_WRONLY, 0o600)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }()

    /// A signal ignored when the run starts (`nohup`, `trap '' TERM`) stays
    /// ignored: the run goes on and writes the whole file.
    @Test func ignoredSignalStaysIgnored() throws {
        let (spec, out) = try Self.slowRunFolders()
        let target = out.appendingPathComponent("states.csv").path
        let pid = try Self.spawnWithSignalsOpen(
            "/bin/sh", ["-c", "trap '' TERM; exec \"$0\" compile \"$1\" --states all --format csv -o \"$2\"", CLI.binary.path, spec, target])
        let status = try #require(Self.signalMidWrite(pid, SIGTERM, watching: out), "the temporary file never showed up")
        #expect(status == 0, "wait status \(status)")  // exited with 0
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["states.csv"])
        let expected = try CLI.run(["compile", spec, "--states", "all", "--format", "csv"]).stdout
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == expected)
    }

    /// The slow spec written to a fresh folder, and an empty folder for the output.
    static func slowRunFolders() throws -> (spec: String, out: URL) {
        let dir = try CLI.temporaryFolder()
        let spec = dir.appendingPathComponent("big.yaml")
        try Data(Self.slowSpec.utf8).write(to: spec)
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: false)
        return (spec.path, out)
    }

    /// Whether the run `pid` has a file in `folder` open: the temporary file
    /// it writes, named (`.NAME.tmp-…`) or unnamed (`O_TMPFILE`, which Linux
    /// shows as `folder/#inode (deleted)`).
    static func isWriting(_ pid: pid_t, into folder: URL) -> Bool {
        let fds = "/proc/\(pid)/fd"
        let prefix = folder.resolvingSymlinksInPath().path + "/"
        for fd in (try? FileManager.default.contentsOfDirectory(atPath: fds)) ?? [] {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fds)/\(fd)"),
                target.hasPrefix(prefix)
            {
                return true
            }
        }
        return false
    }

    /// Waits for the run to open its temporary file in `folder`, sends `sig`
    /// at once (the write goes on for seconds after it opens), and gives the
    /// run's wait status; `nil` when it never opened one (the run is then
    /// ended).
    static func signalMidWrite(_ pid: pid_t, _ sig: Int32, watching folder: URL) -> Int32? {
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && waitpid(pid, &status, WNOHANG) == 0 {
            if isWriting(pid, into: folder) {
                kill(pid, sig)
                waitpid(pid, &status, 0)
                return status
            }
            usleep(1000)
        }
        // Ended by itself (then already reaped) or still running past the deadline.
        if waitpid(pid, &status, WNOHANG) == 0 {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        return nil
    }

    /// Starts `program` with SIGINT, SIGTERM and SIGHUP unblocked and at their
    /// default action: Foundation's `Process` starts children with most
    /// signals blocked, which would hold the signal until the run ends.
    static func spawnWithSignalsOpen(_ program: String, _ arguments: [String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, program, nil, &attributes, argv, environ)
        guard result == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL)
        }
        return pid
    }
}

/// The file behind `-o` while it is written: unnamed where the system has
/// unnamed files, so no `.tmp-` name is ever seen beside the target.
@Suite struct UnnamedOutput {
    @Test(.enabled(if: OutputTargets.unnamedFilesWork, "needs O_TMPFILE in the temporary folder"))
    func aFileIsWrittenUnnamedAndAppearsWhole() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("report.txt").path
        let sink = try OutputSink.file(target, inputs: [])
        #expect(sink.isUnnamed)
        let text = String(repeating: "a line of the report\n", count: 10_000)
        sink.write(text)
        // Written (more than the buffer, so some of it reached the file), not yet committed: nothing has a name.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == [])
        try sink.commit()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.txt"])
        #expect(try String(contentsOfFile: target, encoding: .utf8) == text)
    }

    /// Replacing a file: the old one stays whole until the commit, and no
    /// other name shows up beside it.
    @Test(.enabled(if: OutputTargets.unnamedFilesWork, "needs O_TMPFILE in the temporary folder"))
    func aReplacedFileStaysUntilTheCommit() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("report.txt").path
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: target))
        try #require(chmod(target, 0o604) == 0)
        let sink = try OutputSink.file(target, inputs: [])
        #expect(sink.isUnnamed)
        sink.write(String(repeating: "new\n", count: 50_000))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.txt"])
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "old\n")
        try sink.commit()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.txt"])
        #expect(try String(contentsOfFile: target, encoding: .utf8) == String(repeating: "new\n", count: 50_000))
        var info = stat()
        #expect(stat(target, &info) == 0 && info.st_mode & 0o7777 == 0o604)
    }

    /// A check that refuses just before the rename leaves the target as it was, and nothing beside it.
    @Test func aRefusalBeforeTheRenameLeavesTheTarget() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("report.txt").path
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: target))
        let sink = try OutputSink.file(target, inputs: [])
        sink.beforeReplace = { () throws(CommandFailure) in throw CommandFailure(.outputFailed, "refused") }
        sink.write("new\n")
        var thrown: CommandFailure?
        do throws(CommandFailure) { try sink.commit() } catch { thrown = error }
        #expect(thrown?.message == "refused")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.txt"])
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "old\n")
    }
}
