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
    private var machineName = NameBytes(UnsafeBufferPointer(start: nil, count: 0))
    private var firstJob = 0
    private var firstOS = 0
    private var firstSlot = 0

    private let id = FlatBuffer<UInt8>(capacity: 256)
    /// Jobs to be sorted into document order and named.
    private let lost = FlatBuffer<Int32>()
    private let taken = FlatBuffer<Int32>()
    // The case named last: its id and target, and its lists.
    private var unprotectedMemory = 0
    private let lostNames = FlatBuffer<NameBytes>()
    private let takenNames = FlatBuffer<NameBytes>()
    private let unprotectedNames = FlatBuffer<NameBytes>()

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
        id.removeAll()
        CaseID.write(
            machine: machineName, kind: spec.kind, target: target, severity: spec.severity,
            name: { id.appendBytes($0.bytes) }, spelling: { id.appendASCII($0) })
        let caseID = NameBytes(id.elements, isPlain: machineName.isPlain && target.isPlain)
        let kind = spec.kind
        let severity = kind == .job ? spec.severity : nil
        return SimulatedCase(
            id: caseID, machine: machineName, kind: kind, target: target, severity: severity,
            action: severity.map { index.jobs[spec.target].policy[$0] }, covered: simulator.covered,
            shortfall: simulator.shortfall, poolDraw: simulator.poolDraw, lostJobs: lostNames.elements,
            takenOver: takenNames.elements, unprotectedJobs: unprotectedNames.elements,
            unprotectedMemory: unprotectedMemory, shortages: shortages(of: simulator),
            unrecoverable: unrecoverable(of: simulator))
    }

    /// Sorts the jobs (of the named machine) into document order and names them.
    private func name(_ jobs: FlatBuffer<Int32>, into names: FlatBuffer<NameBytes>) {
        jobs.sortIfNeeded(by: <)
        names.removeAll()
        for j in jobs.elements { names.append(jobNames[Int(j) - firstJob]) }
    }

    /// Per machine whose pool could not make up what its standbys lacked.
    private func shortages(of simulator: CaseSimulator) -> [Shortage] {
        guard simulator.shortfall > 0 else { return [] }
        let m = simulator.spec.machine
        var shortages: [Shortage] = []
        for p in 0..<simulator.pools.count where simulator.pools[p].shortfall > 0 {
            let pool = simulator.pools[p]
            var short: [(String, Int, Int, Int, Int, Int, Int, [String])] = []
            for r in Int(pool.firstReceiver)..<Int(pool.endReceiver) where simulator.receivers[r].missing > 0 {
                let receiver = simulator.receivers[r]
                var shortJobs: [String] = []
                simulator.forEachCopy(of: r) { copy in
                    if !copy.started { shortJobs.append(index.name(job: Int(copy.job), from: m)) }
                }
                let os = Int(receiver.os)
                short.append(
                    (
                        index.osName(os), index.oses[os].footprint, receiver.need, receiver.free, receiver.handed,
                        receiver.drawn, receiver.missing, shortJobs
                    ))
            }
            let machine = index.machine(Int(pool.machine))
            shortages.append(
                FigureRules.shortage(
                    on: (
                        machine.name, machine.machine.memory, machine.machine.reserve, machine.machine.granule,
                        index.machines[Int(pool.machine)].pool
                    ), pool: (pool.held, pool.released, pool.draw, pool.shortfall),
                    poolPolicy: index.policies.pool, requiredPool: lacking(pool.missing, minus: pool.released),
                    standbys: short))
        }
        return shortages
    }

    /// Hot-standby jobs no memory can bring back.
    private func unrecoverable(of simulator: CaseSimulator) -> [UnrecoverableJob] {
        guard !simulator.unrecoverable.isEmpty else { return [] }
        let m = simulator.spec.machine
        return simulator.unrecoverable.elements.map { u in
            UnrecoverableJob(job: index.name(job: Int(u.job), from: m), cause: u.reason) { index.name(os: Int($0), from: m) }
        }
    }
}
