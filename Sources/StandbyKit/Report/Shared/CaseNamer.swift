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
    private let shortageList = RecordList<Shortage>()
    private let unrecoverableList = RecordList<UnrecoverableJob>()

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
            let home = index.machineOf(job: j)
            if home == m {
                slotSpans.append(jobSpans[j - firstJob])
            } else {
                // `machine/job`, as ``PlanIndex/name(job:from:)`` spells it, without making the string.
                let start = text.count
                _ = add(index.compiled.machines[home].machine.name)
                text.append(UInt8(ascii: "/"))
                _ = add(index.jobName(j))
                slotSpans.append(start..<text.count)
            }
        }

        let arena = text
        // Plain text is plain in every part: one pass over the machine's names
        // usually tells it for each of them.
        let allPlain = isPlainText(arena.elements)
        func names(_ spans: [Range<Int>]) -> [NameBytes] {
            spans.map { span in
                allPlain
                    ? NameBytes(UnsafeBufferPointer(start: UnsafePointer(arena.base) + span.lowerBound, count: span.count), isPlain: true)
                    : Self.name(span, in: arena)
            }
        }
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
            // The jobs that stop and the copies come each in document order
            // (the simulator meets the jobs in that order): the copies that
            // could not start merge into the lost jobs.
            lost.removeAll()
            taken.removeAll()
            let stopped = simulator.lost.elements
            var next = 0
            for c in 0..<copies.count {
                let copy = copies[c]
                if copy.started {
                    taken.append(copy.job)
                    continue
                }
                while next < stopped.count && stopped[next] < copy.job {
                    lost.append(stopped[next])
                    next += 1
                }
                lost.append(copy.job)
            }
            while next < stopped.count {
                lost.append(stopped[next])
                next += 1
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

        return record(
            spec, covered: simulator.covered, shortfall: simulator.shortfall, poolDraw: simulator.poolDraw,
            shortages: simulator.shortfall > 0 ? shortages(of: simulator) : UnsafeBufferPointer(start: nil, count: 0),
            unrecoverable: simulator.unrecoverable.isEmpty
                ? UnsafeBufferPointer(start: nil, count: 0) : unrecoverables(of: simulator))
    }

    /// A case that does nothing at all (``PlanIndex/restartsInPlace(_:)``: a
    /// job restarts where it is), named without being simulated: it is
    /// covered, moves nothing and lists nothing, as simulating it finds.
    func view(restarting spec: CaseSpec) -> SimulatedCase {
        if spec.machine != machine { load(spec.machine) }
        lostNames.removeAll()
        takenNames.removeAll()
        unprotectedNames.removeAll()
        unprotectedMemory = 0
        return record(
            spec, covered: true, shortfall: 0, poolDraw: 0, shortages: UnsafeBufferPointer(start: nil, count: 0),
            unrecoverable: UnsafeBufferPointer(start: nil, count: 0))
    }

    /// The record of case `spec` with the lists named last, its id made here.
    @inline(__always)
    private func record(
        _ spec: CaseSpec, covered: Bool, shortfall: Int, poolDraw: Int, shortages: UnsafeBufferPointer<Shortage>,
        unrecoverable: UnsafeBufferPointer<UnrecoverableJob>
    ) -> SimulatedCase {
        let target: NameBytes
        switch spec.kind {
        case .machine: target = machineName
        case .job: target = jobNames[spec.target - firstJob]
        case .os, .memory, .standby: target = osNames[spec.target - firstOS]
        }
        // The id in one piece of the buffer: its names and at most 17 bytes of spellings.
        id.removeAll()
        var p = id.reserve(machineName.bytes.count + target.bytes.count + 32)
        CaseID.write(
            machine: machineName, kind: spec.kind, target: target, severity: spec.severity,
            name: { name in
                if let start = name.bytes.baseAddress { copyBytes(from: start, to: p, count: name.bytes.count) }
                p += name.bytes.count
            },
            spelling: { spelling in
                copyBytes(from: spelling.utf8Start, to: p, count: spelling.utf8CodeUnitCount)
                p += spelling.utf8CodeUnitCount
            })
        id.commit(upTo: p)
        let caseID = NameBytes(id.elements, isPlain: machineName.isPlain && target.isPlain)
        let kind = spec.kind
        let severity = kind == .job ? spec.severity : nil
        return SimulatedCase(
            id: caseID, machine: machineName, kind: kind, target: target, severity: severity,
            action: severity.map { index.jobs[spec.target].policy[$0] }, covered: covered, shortfall: shortfall,
            poolDraw: poolDraw, lostJobs: lostNames.elements, takenOver: takenNames.elements,
            unprotectedJobs: unprotectedNames.elements, unprotectedMemory: unprotectedMemory, shortages: shortages,
            unrecoverable: unrecoverable)
    }

    /// Sorts the jobs (of the named machine) into document order, unless they
    /// are in it (as they come from the simulator), and names them.
    private func name(_ jobs: FlatBuffer<Int32>, into names: FlatBuffer<NameBytes>) {
        jobs.sortIfNeeded(by: <)
        names.removeAll()
        for j in jobs.elements { names.append(jobNames[Int(j) - firstJob]) }
    }

    /// Per machine whose pool could not make up what its standbys lacked.
    private func shortages(of simulator: CaseSimulator) -> UnsafeBufferPointer<Shortage> {
        let shortages = shortageList
        shortages.removeAll()
        let m = simulator.spec.machine
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
            // The machine's fields read in place: a copy of it would retain all it holds.
            let pm = Int(pool.machine)
            shortages.append(
                FigureRules.shortage(
                    on: (
                        index.compiled.machines[pm].name, index.compiled.machines[pm].machine.memory,
                        index.compiled.machines[pm].machine.reserve, index.compiled.machines[pm].machine.granule,
                        index.machines[pm].pool
                    ), pool: (pool.held, pool.released, pool.draw, pool.shortfall),
                    poolPolicy: index.policies.pool, requiredPool: lacking(pool.missing, minus: pool.released),
                    standbys: short))
        }
        return shortages.elements
    }

    /// Hot-standby jobs no memory can bring back.
    private func unrecoverables(of simulator: CaseSimulator) -> UnsafeBufferPointer<UnrecoverableJob> {
        let jobs = unrecoverableList
        jobs.removeAll()
        let m = simulator.spec.machine
        for u in simulator.unrecoverable.elements {
            jobs.append(
                UnrecoverableJob(job: index.name(job: Int(u.job), from: m), cause: u.reason) { index.name(os: Int($0), from: m) })
        }
        return jobs.elements
    }
}

/// Values a ``CaseNamer`` holds for the case it named last, at one address
/// until the next case: a simulated case points at them rather than holding
/// arrays of its own, so that it holds nothing to release.
final class RecordList<Element> {
    private var base: UnsafeMutablePointer<Element>
    private var capacity = 4
    private(set) var count = 0

    init() { base = .allocate(capacity: capacity) }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// The values, valid until the next change.
    var elements: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    func removeAll() {
        guard count > 0 else { return }
        base.deinitialize(count: count)
        count = 0
    }

    func append(_ element: Element) {
        if count == capacity {
            let grown = UnsafeMutablePointer<Element>.allocate(capacity: 2 * capacity)
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
            base = grown
            capacity *= 2
        }
        (base + count).initialize(to: element)
        count += 1
    }
}
