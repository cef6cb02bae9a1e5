// The one record of a simulated case (``CaseRecord``), the text it holds, and
// the one place a case id is built (``CaseID``).

/// Text the exports write: a `String`, or the bytes of a name the planner holds.
protocol ExportText {
    /// Calls `body` with the text as UTF-8.
    func withUTF8Bytes(_ body: (UnsafeBufferPointer<UInt8>) -> Void)
    /// Whether the text is known to need no escaping or quoting in JSON and
    /// CSV (``isPlainText(_:)``); `false` when that is not known.
    var isPlain: Bool { get }
    var string: String { get }
    /// A fixed spelling the exports use (a raw value of one of the plan's enums).
    init(spelling: StaticString)
}

extension String: ExportText {
    func withUTF8Bytes(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        // In place when the text is stored as UTF-8 (almost always), rather
        // than through a copy of the string.
        if utf8.withContiguousStorageIfAvailable(body) != nil { return }
        var text = self
        text.withUTF8(body)
    }

    var isPlain: Bool { false }

    var string: String { self }

    init(spelling: StaticString) { self = spelling.description }
}

/// UTF-8 bytes of a name, held by a ``CaseNamer`` (valid while it names the
/// same machine and case).
struct NameBytes: ExportText {
    let bytes: UnsafeBufferPointer<UInt8>
    let isPlain: Bool

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        isPlain = isPlainText(bytes)
    }

    init(_ bytes: UnsafeBufferPointer<UInt8>, isPlain: Bool) {
        self.bytes = bytes
        self.isPlain = isPlain
    }

    func withUTF8Bytes(_ body: (UnsafeBufferPointer<UInt8>) -> Void) { body(bytes) }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// One simulated case as every report reads it: the one record of a case.
///
/// The planner makes it as it simulates (``CaseNamer/view(of:)``), with names
/// as bytes it holds (``SimulatedCase``); the public ``FaultCase`` keeps one
/// with `String`s, made from that. The JSON and CSV exports write this record
/// whichever it holds, so a streamed report and a rendered ``Plan`` have one
/// source for every field of a case. Names are relative to the case's machine.
struct CaseRecord<Text: ExportText, Texts: CaseLists<Text>> {
    /// `machine/kind/target`, plus `/severity` for `job` (``CaseID``).
    var id: Text
    var machine: Text
    var kind: FaultKind
    var target: Text
    var severity: Severity?
    var action: JobFaultAction?
    var covered: Bool
    var shortfall: Int
    var poolDraw: Int
    var lostJobs: Texts
    var takenOver: Texts
    var unprotectedJobs: Texts
    var unprotectedMemory: Int
    /// Empty when ``shortfall`` is 0.
    var shortages: Texts.Shortages
    var unrecoverable: Texts.Unrecoverables

    /// ``kind``, ``severity`` and ``action`` as the exports spell them (their raw values).
    var kindName: Text { Text(spelling: kind.spelling) }
    var severityName: Text? { severity.map { Text(spelling: $0.spelling) } }
    var actionName: Text? { action.map { Text(spelling: $0.spelling) } }
}

extension CaseRecord: Equatable
where Text: Equatable, Texts: Equatable, Texts.Shortages: Equatable, Texts.Unrecoverables: Equatable {}
extension CaseRecord: Hashable
where Text: Hashable, Texts: Hashable, Texts.Shortages: Hashable, Texts.Unrecoverables: Hashable {}
extension CaseRecord: Sendable
where Text: Sendable, Texts: Sendable, Texts.Shortages: Sendable, Texts.Unrecoverables: Sendable {}

/// The lists of a ``CaseRecord``: its names (the collection itself), and of
/// the same kind its shortages and unrecoverable jobs — arrays in a kept
/// ``FaultCase``, buffers a ``CaseNamer`` holds in a simulated case, so that
/// a simulated case holds nothing to release.
protocol CaseLists<Text>: Collection where Element == Text {
    associatedtype Text: ExportText
    associatedtype Shortages: Collection<Shortage>
    associatedtype Unrecoverables: Collection<UnrecoverableJob>
}

extension Array: CaseLists where Element: ExportText {
    typealias Text = Element
    typealias Shortages = [Shortage]
    typealias Unrecoverables = [UnrecoverableJob]
}

extension UnsafeBufferPointer: CaseLists where Element == NameBytes {
    typealias Text = NameBytes
    typealias Shortages = UnsafeBufferPointer<Shortage>
    typealias Unrecoverables = UnsafeBufferPointer<UnrecoverableJob>
}

/// The case a ``CaseSimulator`` has just run, named by a ``CaseNamer``: its
/// names and lists are held by the namer, valid until either moves on.
typealias SimulatedCase = CaseRecord<NameBytes, UnsafeBufferPointer<NameBytes>>

extension FaultCase {
    /// The public record of a simulated case: the same case with its names as `String`s.
    init<T, Ts>(_ c: CaseRecord<T, Ts>) {
        id = c.id.string
        machine = c.machine.string
        kind = c.kind
        target = c.target.string
        severity = c.severity
        action = c.action
        covered = c.covered
        shortfall = c.shortfall
        poolDraw = c.poolDraw
        lostJobs = c.lostJobs.map(\.string)
        takenOver = c.takenOver.map(\.string)
        unprotectedJobs = c.unprotectedJobs.map(\.string)
        unprotectedMemory = c.unprotectedMemory
        shortages = Array(c.shortages)
        unrecoverable = Array(c.unrecoverable)
    }
}

/// The id of a case, built in one place for every text it is written in:
/// `machine/kind/target`, plus `/severity` for a `job` case; `machine/machine`
/// for a `machine` case.
enum CaseID {
    /// Hands the id's pieces, in order, to `write`: each is a name (the
    /// machine's or the target's) or a fixed spelling.
    @inline(__always)
    static func write<Text>(
        machine: Text, kind: FaultKind, target: Text, severity: Severity?,
        name: (Text) -> Void, spelling: (StaticString) -> Void
    ) {
        name(machine)
        spelling("/")
        spelling(kind.spelling)
        if kind != .machine {
            spelling("/")
            name(target)
        }
        if kind == .job, let severity {
            spelling("/")
            spelling(severity.spelling)
        }
    }
}

/// One machine as the JSON and CSV exports walk it: its figures, whether every
/// case of it is covered, and its cases, made one at a time as they are walked.
///
/// The exports are generic over it, so that each kind of machine (a planned
/// ``MachinePlan``'s cases, or cases simulated as they are walked) gets writers
/// of its own, which take each case as it is made rather than through a
/// closure of any case.
protocol ExportedMachine {
    associatedtype Text: ExportText
    associatedtype Texts: CaseLists<Text>
    /// The machine's figures; its `cases` are unused (see ``forEachCase(_:)``).
    var plan: MachinePlan { get }
    var covered: Bool { get }
    /// Hands each case, in report order, to `body`.
    func forEachCase(_ body: (CaseRecord<Text, Texts>) -> Void)
}

/// A machine whose cases a closure walks.
struct ExportMachine<Text: ExportText, Texts: CaseLists<Text>>: ExportedMachine {
    var plan: MachinePlan
    var covered: Bool
    private let walk: ((CaseRecord<Text, Texts>) -> Void) -> Void

    init(plan: MachinePlan, covered: Bool, forEachCase: @escaping ((CaseRecord<Text, Texts>) -> Void) -> Void) {
        self.plan = plan
        self.covered = covered
        walk = forEachCase
    }

    func forEachCase(_ body: (CaseRecord<Text, Texts>) -> Void) {
        withoutActuallyEscaping(body) { walk($0) }
    }
}

extension NameBytes {
    init(spelling: StaticString) {
        self.init(UnsafeBufferPointer(start: spelling.utf8Start, count: spelling.utf8CodeUnitCount), isPlain: true)
    }
}

// The raw values of the plan's enums as static text, for the exports to copy
// without making a `String` per case. Each is its type's `rawValue` (a test
// checks), which the stable output contract fixes.
extension FaultKind {
    var spelling: StaticString {
        switch self {
        case .os: "os"
        case .job: "job"
        case .standby: "standby"
        case .memory: "memory"
        case .machine: "machine"
        }
    }
}

extension Severity {
    var spelling: StaticString {
        switch self {
        case .light: "light"
        case .severe: "severe"
        }
    }
}

extension JobFaultAction {
    var spelling: StaticString {
        switch self {
        case .restart: "restart"
        case .stop: "stop"
        case .failover: "failover"
        }
    }
}

