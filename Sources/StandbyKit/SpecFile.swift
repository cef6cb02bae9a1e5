import SystemPackage

// A path is a `FilePath`, so a user of StandbyKit names one (or writes a string
// literal) without importing swift-system.
@_exported import struct SystemPackage.FilePath

/// The library's front door: a spec loaded from a file or from bytes, and what
/// standby does with it, each a value.
///
///     switch SpecFile.load(path: "examples/patent-fig4.yaml") {
///     case .success(let spec): print(spec.plan().covered)
///     case .failure(let error): print(error)
///     }
///
/// Nothing here prints or exits, and every failure is a ``LoadError`` that
/// carries what went wrong: the system's reason when the file cannot be read,
/// the located diagnostics when the spec has errors. The stages themselves
/// (``Pipeline``, ``Planner``, ``LeastMemory``, ``PlanDiff``, the renderers) stay
/// public for a tool that needs more.
public enum SpecFile {
    /// Reads the spec at `path` and loads it as ``load(bytes:path:limits:)``
    /// does. At most one byte past `limits.maxInputBytes` is read: enough for
    /// the decoder to refuse a file too large, whatever its size.
    public static func load(path: FilePath, limits: YAMLLimits = .default) -> Result<LoadedSpec, LoadError> {
        read(path, limits: limits).flatMap { load(bytes: $0, path: path.string, limits: limits) }
    }

    /// Decodes, validates and compiles `bytes`; `path` names them in
    /// diagnostics. Fails with every problem found when any is an error; the
    /// warnings of a spec that loads are in ``LoadedSpec/diagnostics``.
    public static func load(bytes: [UInt8], path: String = "<bytes>", limits: YAMLLimits = .default)
        -> Result<LoadedSpec, LoadError>
    {
        let source = SourceFile(path: path, bytes: bytes)
        let (compiled, diagnostics) = Pipeline.compile(source, limits: limits)
        guard let compiled, !diagnostics.hasErrors else {
            return .failure(.invalid(source: source, diagnostics: diagnostics))
        }
        return .success(LoadedSpec(source: source, compiled: compiled, diagnostics: diagnostics))
    }

    /// The least memory of the spec at `path` (`standby fix`), read as
    /// ``fix(bytes:path:faults:limits:)`` reads it.
    public static func fix(path: FilePath, faults: [FaultKind]? = nil, limits: YAMLLimits = .default)
        -> Result<SpecFix, LoadError>
    {
        read(path, limits: limits).flatMap { fix(bytes: $0, path: path.string, faults: faults, limits: limits) }
    }

    /// The least memory of the spec in `bytes` (`standby fix`), proven by
    /// planning the changed spec, and written into the spec's own text.
    ///
    /// Unlike ``load(bytes:path:limits:)`` followed by ``LoadedSpec/fix(faults:)``,
    /// this takes a spec that decodes but does not compile: a machine whose
    /// jobs cannot start with the memory it states is the first thing a fix
    /// raises. It fails with the decoder's errors, or with what no memory
    /// fixes (a job larger than any machine could hold, for one).
    public static func fix(
        bytes: [UInt8], path: String = "<bytes>", faults: [FaultKind]? = nil, limits: YAMLLimits = .default
    ) -> Result<SpecFix, LoadError> {
        let source = SourceFile(path: path, bytes: bytes)
        let (spec, diagnostics) = SpecDecoder.decode(bytes, limits: limits)
        guard let spec, !diagnostics.hasErrors else {
            return .failure(.invalid(source: source, diagnostics: diagnostics))
        }
        return SpecFix.of(spec, faults: faults, source: source)
    }

    /// The bytes of the file at `path` as ``read(_:maxBytes:)`` reads them, or
    /// why they could not be read.
    private static func read(_ path: FilePath, limits: YAMLLimits) -> Result<[UInt8], LoadError> {
        do {
            return .success(try read(path, maxBytes: limits.maxInputBytes))
        } catch {
            return .failure(.unreadable(path: path.string, reason: (error as? Errno)?.description ?? "\(error)"))
        }
    }

    /// Up to `maxBytes + 1` bytes of the file at `path`: a regular file in
    /// one buffer of its size (plus the byte that shows its end), anything
    /// else in chunks. A folder is refused as `EISDIR`.
    static func read(_ path: FilePath, maxBytes: Int) throws -> [UInt8] {
        let fd = try FileDescriptor.open(path, .readOnly, options: .closeOnExec)
        defer { try? fd.close() }
        let status = try fd.stat()
        if status.type == .directory { throw Errno.isDirectory }
        let cap = maxBytes < Int.max ? maxBytes + 1 : maxBytes
        let size = status.type == .regular && status.size >= 0 && status.size < Int64(cap) ? Int(status.size) + 1 : 1 << 16
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: min(size, cap))
        while bytes.count < cap {
            let want = min(chunk.count, cap - bytes.count)
            let n = try chunk.withUnsafeMutableBytes { buffer in
                try fd.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }
}

/// Why a spec did not load.
public enum LoadError: Error, Sendable, CustomStringConvertible {
    /// The file could not be read; `reason` is the system's (`No such file or directory`).
    case unreadable(path: String, reason: String)
    /// The spec has errors: every problem found, located in `source`.
    case invalid(source: SourceFile, diagnostics: Diagnostics)

    /// The diagnostics (empty when the file could not be read).
    public var diagnostics: Diagnostics {
        switch self {
        case .unreadable: return Diagnostics()
        case .invalid(_, let diagnostics): return diagnostics
        }
    }

    /// What the `standby` command would show: `cannot read 'PATH': REASON`,
    /// or the diagnostics as compiler-style text without colour.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read '\(path)': \(reason)"
        case .invalid(let source, let diagnostics):
            var text = ""
            DiagnosticRenderer.renderText(diagnostics.sorted, in: source, color: false, to: &text)
            return text
        }
    }
}

/// A spec that loaded: its text, the compiled spec, and its warnings.
public struct LoadedSpec: Sendable {
    /// The bytes read, and the path diagnostics and diffs name them by.
    public var source: SourceFile
    /// The spec decoded, validated and compiled: its start-up tables, what
    /// ``Planner``, ``Tolerance``, ``Headroom`` and the renderers take.
    public var compiled: CompiledSpec
    /// Warnings only: a spec with an error does not load.
    public var diagnostics: Diagnostics

    /// The spec as decoded.
    public var spec: Spec { compiled.spec }

    /// Every fault of `faults` (default: the spec's `policies.faults`)
    /// simulated: the cases, whether each is covered, the figures.
    public func plan(faults: [FaultKind]? = nil) -> Plan {
        Planner.plan(compiled, faults: faults)
    }

    /// The least memory per machine that covers every case memory can cover
    /// (`standby fix`), proven by planning the changed spec, and written into
    /// the spec's own text.
    public func fix(faults: [FaultKind]? = nil) -> Result<SpecFix, LoadError> {
        SpecFix.of(spec, faults: faults, source: source)
    }

    /// What changing this spec into `new` does to the plan (`standby diff`),
    /// with `new`'s fix when it needs one.
    public func diff(to new: LoadedSpec, faults: [FaultKind]? = nil) -> PlanDiff {
        let (figures, newPlan) = Planner.planWithFigures(new.compiled, faults: faults)
        let fix = LeastMemory.fix(figures, compiled: new.compiled).map { PlanFix(advice: $0, path: new.source.path) }
        return PlanDiff(old: plan(faults: faults), oldSpec: spec, new: newPlan, newSpec: new.spec, fix: fix)
    }
}

/// A fix: the change, and the spec's text with it written in.
public struct SpecFix: Sendable {
    /// The change, machine by machine, and what planning the changed spec says.
    public var advice: Advice
    /// The spec's text with the change written in (the same bytes when nothing changes).
    public var text: [UInt8]
    /// Changes that could not be written into the text, with the reason.
    public var left: [SpecEditor.Left]
    /// The change as a unified diff of the spec's text (empty when nothing changes).
    public var unifiedDiff: String

    /// The fix of `spec`, decoded from `source`, or what no memory fixes.
    static func of(_ spec: Spec, faults: [FaultKind]?, source: SourceFile) -> Result<SpecFix, LoadError> {
        switch LeastMemory.fix(spec, faults: faults) {
        case .failure(let error):
            return .failure(.invalid(source: source, diagnostics: error.diagnostics))
        case .success(let advice):
            return .success(SpecFix(advice: advice, source: source))
        }
    }

    init(advice: Advice, source: SourceFile) {
        let edited = SpecEditor.apply(advice, to: source.bytes)
        self.advice = advice
        text = edited.text
        left = edited.left
        unifiedDiff = String(
            decoding: UnifiedDiff.render(path: source.path, source: source.bytes, splices: edited.splices), as: UTF8.self)
    }

    /// Whether the spec needs no change.
    public var isEmpty: Bool { advice.machines.isEmpty }
}
