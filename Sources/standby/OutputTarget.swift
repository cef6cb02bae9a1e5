import SystemPackage

/// A file's identity: two names for the same file (a symlink, a hard link,
/// `-` for a redirected standard input) have the same device and inode.
struct FileIdentity: Equatable {
    var device: UInt64
    var inode: UInt64

    init(_ info: Stat) {
        device = UInt64(info.deviceID.rawValue)
        inode = UInt64(info.inode.rawValue)
    }
}

/// What `-o` names, once its symlinks are followed: decides how the report
/// gets there.
///
/// Only a regular file (or a name not yet taken) is replaced whole through a
/// temporary file and a rename; a character device or a FIFO is opened and
/// written in place, since renaming over it would replace the device or pipe
/// with a plain file; anything else is refused.
enum OutputTarget {
    /// Nothing is there yet: a new file is made with the usual mode.
    case newFile(path: String)
    /// A regular file, replaced whole; `info` gives the mode and owner to keep.
    case regularFile(path: String, info: Stat)
    /// A character device or a FIFO, written directly.
    case stream(path: String)

    /// Symlinks followed in a row before giving up, as the kernel does (`ELOOP`).
    static let maxLinkHops = 40

    /// Looks at what `path` names, its symlinks followed (a dangling one to the
    /// name it points at).
    ///
    /// Refuses, with status 64, a regular file that is the input (`inputs`: the
    /// identities of the specs read), and, with status 74, a folder or a kind
    /// of file a report cannot go to. Reading a spec from a terminal or a pipe
    /// and writing to the same one is no overwrite, so only regular files are
    /// compared.
    static func resolve(_ path: String, inputs: [FileIdentity]) throws(CommandFailure) -> OutputTarget {
        let info: Stat
        do throws(Errno) {
            info = try systemPath(path).stat()
        } catch {
            // Nothing there (or a dangling link): make the file the links lead to.
            guard error == .noSuchFileOrDirectory else {
                throw CommandFailure(.outputFailed, "cannot write '\(path)': \(error)")
            }
            return .newFile(path: try finalName(path))
        }
        switch info.type {
        case .regular:
            if inputs.contains(FileIdentity(info)) {
                throw CommandFailure(
                    .usage, "the output '\(path)' is the spec being read; write the report to another file")
            }
            return .regularFile(path: try finalName(path), info: info)
        case .characterSpecial, .fifo:
            // Opened by the name given: the kernel follows every link, also
            // /dev/stdout's, whose last step (/proc/self/fd/1) names no file
            // when it is a pipe.
            return .stream(path: path)
        case .directory:
            throw CommandFailure(.outputFailed, "cannot write '\(path)': it is a directory")
        default:
            throw CommandFailure(
                .outputFailed, "cannot write '\(path)': it is not a regular file, a character device or a FIFO")
        }
    }

    /// The name `path`'s symlinks lead to: where the temporary file goes, and
    /// what is renamed over, so the links themselves stay.
    static func finalName(_ path: String) throws(CommandFailure) -> String {
        var current = path
        // Bounded: at most maxLinkHops links, each read once.
        for _ in 0...maxLinkHops {
            guard let info = try? systemPath(current).stat(followTargetSymlink: false), info.type == .symbolicLink
            else { return current }
            current = try linkTarget(current, for: path)
        }
        throw CommandFailure(.outputFailed, "cannot write '\(path)': too many levels of symbolic links")
    }

    /// Where the symlink `link` points, as a path usable from here: a relative
    /// target is relative to the link's folder.
    private static func linkTarget(_ link: String, for path: String) throws(CommandFailure) -> String {
        let target: String
        do throws(Errno) {
            target = try Platform.linkTarget(systemPath(link))
        } catch {
            throw CommandFailure(.outputFailed, "cannot write '\(path)': \(error)")
        }
        if target.hasPrefix("/") { return target }
        return folder(of: link) + target
    }
}

/// The folder part of a path with its final slash (`a/b/` for `a/b/c`), or
/// the empty string for a bare name.
func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return String(path[...slash])
}

/// `path` as swift-system's `FilePath`, naming what the kernel would name.
///
/// `FilePath` drops a trailing slash, which to the kernel means "a folder"
/// (`spec.yaml/` is `ENOTDIR`, `link/` follows the link): such a path gets
/// `.` after its slash instead, which the kernel reads the same way.
func systemPath(_ path: String) -> FilePath {
    guard path.hasSuffix("/"), path.contains(where: { $0 != "/" }) else { return FilePath(path) }
    return FilePath(path + ".")
}
