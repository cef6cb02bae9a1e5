// A simulated case as the reports read it.
//
// The planner describes a case once, as a ``SimulatedCase``: names, figures and
// lists read straight from the simulator's scratch state and the spec's names.
// The public ``FaultCase`` is made from it, and the JSON and CSV exports write
// either (``ExportedCase``), so a streamed report and a rendered ``Plan`` have
// one source for every field of a case.

/// Text the exports write: a `String`, or the bytes of a name the planner holds.
protocol ExportText {
    /// Calls `body` with the text as UTF-8.
    func withUTF8Bytes(_ body: (UnsafeBufferPointer<UInt8>) -> Void)
    /// Whether the text is known to need no escaping or quoting in JSON and
    /// CSV (``isPlainText(_:)``); `false` when that is not known.
    var isPlain: Bool { get }
    var string: String { get }
}

extension String: ExportText {
    func withUTF8Bytes(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var text = self
        text.withUTF8(body)
    }

    var isPlain: Bool { false }

    var string: String { self }
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

/// What the reports read of one case: ``FaultCase``, or a case the planner has
/// just simulated (``SimulatedCase``). Names are relative to the case's machine.
protocol ExportedCase {
    associatedtype Text: ExportText
    associatedtype Texts: Collection<Text>
    var id: Text { get }
    var machine: Text { get }
    var kind: FaultKind { get }
    /// ``kind``, ``severity`` and ``action`` as the exports spell them (their raw values).
    var kindName: Text { get }
    var target: Text { get }
    var severity: Severity? { get }
    var severityName: Text? { get }
    var action: JobFaultAction? { get }
    var actionName: Text? { get }
    var covered: Bool { get }
    var shortfall: Int { get }
    var poolDraw: Int { get }
    var lostJobs: Texts { get }
    var takenOver: Texts { get }
    var unprotectedJobs: Texts { get }
    var unprotectedMemory: Int { get }
    var shortages: [Shortage] { get }
    var unrecoverable: [UnrecoverableJob] { get }
    /// Whether ``shortages`` and ``unrecoverable`` hold anything: most cases'
    /// do not, and a simulated case says so without making the lists.
    var hasShortages: Bool { get }
    var hasUnrecoverable: Bool { get }
}

extension ExportedCase {
    var hasShortages: Bool { !shortages.isEmpty }
    var hasUnrecoverable: Bool { !unrecoverable.isEmpty }
}

extension FaultCase: ExportedCase {
    var kindName: String { kind.rawValue }
    var severityName: String? { severity?.rawValue }
    var actionName: String? { action?.rawValue }
    /// The public record of a case.
    init(_ c: some ExportedCase) {
        self.init(
            id: c.id.string, machine: c.machine.string, kind: c.kind, target: c.target.string,
            severity: c.severity, action: c.action, covered: c.covered, shortfall: c.shortfall,
            poolDraw: c.poolDraw, lostJobs: c.lostJobs.map(\.string), takenOver: c.takenOver.map(\.string),
            unprotectedJobs: c.unprotectedJobs.map(\.string), unprotectedMemory: c.unprotectedMemory,
            shortages: c.shortages, unrecoverable: c.unrecoverable)
    }
}

/// One machine as the JSON and CSV exports walk it: its figures, whether every
/// case of it is covered, and its cases, made one at a time as they are walked.
struct ExportMachine<Case: ExportedCase> {
    /// The machine's figures; its `cases` are unused (see ``forEachCase``).
    var plan: MachinePlan
    var covered: Bool
    /// Hands each case, in report order, to its argument.
    var forEachCase: ((Case) -> Void) -> Void
}

/// The case a ``CaseSimulator`` has just run, named by a ``CaseNamer``. Valid
/// until either moves on to another case.
struct SimulatedCase: ExportedCase {
    let simulator: CaseSimulator
    /// Holds the case's names and lists.
    let names: CaseNamer

    var id: NameBytes { names.caseID }
    var machine: NameBytes { names.machineName }
    var target: NameBytes { names.caseTarget }
    var kindName: NameBytes { NameBytes(kind.spelling) }
    var severityName: NameBytes? { severity.map { NameBytes($0.spelling) } }
    var actionName: NameBytes? { action.map { NameBytes($0.spelling) } }
    var lostJobs: UnsafeBufferPointer<NameBytes> { names.lostNames.elements }
    var takenOver: UnsafeBufferPointer<NameBytes> { names.takenNames.elements }
    var unprotectedJobs: UnsafeBufferPointer<NameBytes> { names.unprotectedNames.elements }
    var unprotectedMemory: Int { names.unprotectedMemory }

    var kind: FaultKind { simulator.spec.kind }
    var severity: Severity? { kind == .job ? simulator.spec.severity : nil }
    var action: JobFaultAction? {
        guard let severity else { return nil }
        return simulator.index.jobs[simulator.spec.target].policy[severity]
    }
    var covered: Bool { simulator.covered }
    var shortfall: Int { simulator.shortfall }
    var poolDraw: Int { simulator.poolDraw }

    var hasShortages: Bool { simulator.shortfall > 0 }
    var hasUnrecoverable: Bool { !simulator.unrecoverable.isEmpty }

    /// Per machine whose pool could not make up what its standbys lacked.
    var shortages: [Shortage] {
        guard simulator.shortfall > 0 else { return [] }
        let index = simulator.index
        let m = simulator.spec.machine
        var shortages: [Shortage] = []
        for p in 0..<simulator.pools.count where simulator.pools[p].shortfall > 0 {
            let pool = simulator.pools[p]
            var standbys: [StandbyShortage] = []
            for r in Int(pool.firstReceiver)..<Int(pool.endReceiver) where simulator.receivers[r].missing > 0 {
                let receiver = simulator.receivers[r]
                var short: [String] = []
                simulator.forEachCopy(of: r) { copy in
                    if !copy.started { short.append(index.name(job: Int(copy.job), from: m)) }
                }
                standbys.append(
                    StandbyShortage(
                        standby: index.osName(Int(receiver.os)), need: receiver.need, free: receiver.free,
                        handed: receiver.handed, drawn: receiver.drawn, missing: receiver.missing, shortJobs: short,
                        coveringAllocation: index.oses[Int(receiver.os)].footprint + receiver.missing))
            }
            shortages.append(
                Shortage(
                    machine: index.machine(Int(pool.machine)).name, held: pool.held, released: pool.released,
                    draw: pool.draw, shortfall: pool.shortfall,
                    requiredPool: index.policies.pool ? lacking(pool.missing, minus: pool.released) : nil,
                    standbys: standbys))
        }
        return shortages
    }

    /// Hot-standby jobs no memory can bring back.
    var unrecoverable: [UnrecoverableJob] {
        guard !simulator.unrecoverable.isEmpty else { return [] }
        let index = simulator.index
        let m = simulator.spec.machine
        return simulator.unrecoverable.elements.map { u in
            let reason: UnrecoverableJob.Reason
            switch u.reason {
            case .standbyDown(let s): reason = .standbyDown(standby: index.name(os: Int(s), from: m))
            case .stoppedByPolicy: reason = .stoppedByPolicy
            case .noStandby: reason = .noStandby
            }
            return UnrecoverableJob(job: index.name(job: Int(u.job), from: m), reason: reason)
        }
    }
}

extension NameBytes {
    /// A spelling the exports use (a raw value of one of the plan's enums).
    init(_ spelling: StaticString) {
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

/// Names the cases of one machine at a time for the reports: the UTF-8 of
/// every name a case of the machine can hold — its jobs, its OSes, the jobs of
/// other machines that fail over to its OSes (as `machine/job`), the machine
/// itself — read from the spec once per machine, and lists of them per case.
final class CaseNamer {
    let index: PlanIndex
    /// The machine named, or −1.
    private(set) var machine = -1
    private let text = FlatBuffer<UInt8>(capacity: 1 << 12)
    /// Per job of the machine (position − first job), per OS of the machine
    /// (position − first OS), per incoming slot of its OSes (slot − first slot).
    private var jobNames: [NameBytes] = []
    private var osNames: [NameBytes] = []
    private var incomingNames: [NameBytes] = []
    fileprivate private(set) var machineName = NameBytes(UnsafeBufferPointer(start: nil, count: 0))
    private var firstJob = 0
    private var firstOS = 0
    private var firstSlot = 0

    private let id = FlatBuffer<UInt8>(capacity: 256)
    /// Jobs to be sorted into document order and named.
    private let lost = FlatBuffer<Int32>()
    private let taken = FlatBuffer<Int32>()
    // The case named last: its id and target, and its lists.
    fileprivate private(set) var caseID = NameBytes(UnsafeBufferPointer(start: nil, count: 0))
    fileprivate private(set) var caseTarget = NameBytes(UnsafeBufferPointer(start: nil, count: 0))
    fileprivate private(set) var unprotectedMemory = 0
    fileprivate let lostNames = FlatBuffer<NameBytes>()
    fileprivate let takenNames = FlatBuffer<NameBytes>()
    fileprivate let unprotectedNames = FlatBuffer<NameBytes>()

    init(_ index: PlanIndex) { self.index = index }

    /// Appends `name` to `text` and says where it is.
    private static func add(_ name: String, to text: FlatBuffer<UInt8>) -> Range<Int> {
        let start = text.count
        name.withUTF8Bytes { text.append(contentsOf: $0) }
        return start..<text.count
    }

    /// The name at `span` of `text` (valid until `text` grows or is emptied).
    private static func name(_ span: Range<Int>, in text: FlatBuffer<UInt8>) -> NameBytes {
        NameBytes(UnsafeBufferPointer(start: UnsafePointer(text.base) + span.lowerBound, count: span.count))
    }

    /// Reads machine `m`'s names from the spec.
    private func load(_ m: Int) {
        machine = m
        let record = index.machines[m]
        firstJob = Int(record.jobs.lowerBound)
        firstOS = Int(record.oses.lowerBound)
        let slots = record.oses.isEmpty
            ? 0..<0 : Int(index.oses[firstOS].incoming.lowerBound)..<Int(index.oses[Int(record.oses.upperBound) - 1].incoming.upperBound)
        firstSlot = slots.lowerBound

        // Spans first: the text may move while it grows.
        text.removeAll()
        func add(_ name: String) -> Range<Int> { Self.add(name, to: text) }
        let spec = index.machine(m).machine
        let machineSpan = add(spec.name)
        var osSpans: [Range<Int>] = []
        var jobSpans: [Range<Int>] = []
        osSpans.reserveCapacity(spec.oses.count)
        jobSpans.reserveCapacity(record.jobs.count)
        for (o, os) in spec.oses.enumerated() {
            osSpans.append(add(os.name))
            // In place: a copy of a `Job` would retain all it holds.
            os.jobs.withUnsafeBufferPointer { specJobs in
                for j in index.oses[firstOS + o].jobs {
                    let specIndex = Int(index.jobs[Int(j)].specIndex)
                    jobSpans.append(specIndex < specJobs.count ? add(specJobs[specIndex].name) : add(""))
                }
            }
        }
        var slotSpans: [Range<Int>] = []
        slotSpans.reserveCapacity(slots.count)
        for slot in slots {
            let j = Int(index.incomingJobs[slot])
            if index.machineOf(job: j) == m {
                slotSpans.append(jobSpans[j - firstJob])
            } else {
                slotSpans.append(add(index.name(job: j, from: m)))
            }
        }

        let arena = text
        func names(_ spans: [Range<Int>]) -> [NameBytes] { spans.map { Self.name($0, in: arena) } }
        machineName = Self.name(machineSpan, in: arena)
        osNames = names(osSpans)
        jobNames = names(jobSpans)
        incomingNames = names(slotSpans)
    }

    /// The case `simulator` has just run, with its copies placed and its lists named.
    func view(of simulator: CaseSimulator) -> SimulatedCase {
        let spec = simulator.spec
        if spec.machine != machine { load(spec.machine) }
        simulator.placeCopies()

        // Lost: the jobs that stop, and the copies that could not start; taken
        // over: the copies that started. Each list in document order.
        lostNames.removeAll()
        takenNames.removeAll()
        let copies = simulator.copies
        if copies.isEmpty {
            // `lost` is in document order already.
            for j in simulator.lost.elements { lostNames.append(jobNames[Int(j) - firstJob]) }
        } else {
            lost.removeAll()
            taken.removeAll()
            lost.append(contentsOf: simulator.lost.elements)
            for c in 0..<copies.count {
                let copy = copies[c]
                if copy.started { taken.append(copy.job) } else { lost.append(copy.job) }
            }
            name(lost, into: lostNames)
            name(taken, into: takenNames)
        }

        unprotectedNames.removeAll()
        unprotectedMemory = 0
        for slot in simulator.unprotected.elements {
            unprotectedNames.append(incomingNames[Int(slot) - firstSlot])
            unprotectedMemory += index.jobs[Int(index.incomingJobs[Int(slot)])].memory
        }

        let target: NameBytes
        switch spec.kind {
        case .machine: target = machineName
        case .job: target = jobNames[spec.target - firstJob]
        case .os, .memory, .standby: target = osNames[spec.target - firstOS]
        }
        // As `FaultCase.id(machine:kind:target:severity:)`.
        id.removeAll()
        id.appendBytes(machineName.bytes)
        id.appendASCII("/")
        id.appendASCII(spec.kind.spelling)
        if spec.kind != .machine {
            id.appendASCII("/")
            id.appendBytes(target.bytes)
        }
        if spec.kind == .job, let severity = spec.severity {
            id.appendASCII("/")
            id.appendASCII(severity.spelling)
        }
        caseID = NameBytes(id.elements, isPlain: machineName.isPlain && target.isPlain)
        caseTarget = target
        return SimulatedCase(simulator: simulator, names: self)
    }

    /// Sorts the jobs (of the named machine) into document order and names them.
    private func name(_ jobs: FlatBuffer<Int32>, into names: FlatBuffer<NameBytes>) {
        jobs.sortIfNeeded(by: <)
        names.removeAll()
        for j in jobs.elements { names.append(jobNames[Int(j) - firstJob]) }
    }
}
