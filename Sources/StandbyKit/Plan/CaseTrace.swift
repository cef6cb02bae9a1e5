/// The suffix of a row that holds memory a fault made unusable: the unreadable
/// part of a region in a `memory` case, or every row of a failed machine.
public let lostSuffix = " (lost)"

/// The resource table of one machine during a case.
public struct CaseTable: Sendable, Hashable {
    /// The machine whose table this is.
    public var machine: String
    /// The machine's memory: the regions always add up to it.
    public var memory: Int
    /// Whether the machine itself failed (every row is then a lost row).
    public var lost: Bool
    /// Rows in table order: OS areas (each followed by its lost part, if any),
    /// the monitor, job regions (likewise), copies started by standbys, the pool.
    public var regions: [Region]

    /// A table of these rows; the regions should add up to `memory`.
    public init(machine: String, memory: Int, lost: Bool, regions: [Region]) {
        self.machine = machine
        self.memory = memory
        self.lost = lost
        self.regions = regions
    }

    /// Σ region sizes (saturating).
    public var total: Int { regions.reduce(0) { satAdd($0, $1.size) } }
}

/// One step the monitor takes in a case. Region and standby names are as in
/// the table of `machine`.
public enum CaseEvent: Sendable, Hashable, CustomStringConvertible {
    /// The unreadable part of a region is split off into a row `<region> (lost)`,
    /// owned by the failed OS, which keeps it.
    case cutOff(machine: String, region: String, bytes: Int)
    /// A region is detached from the failed OS and added to the standby's own region.
    case handOver(machine: String, region: String, bytes: Int, standby: String)
    /// A region returns to the pool: it merges into `unallocated`.
    case release(machine: String, region: String, bytes: Int)
    /// A stopped job's region merges into its OS's own region.
    case mergeIntoOS(machine: String, region: String, os: String)
    /// The pool gives a standby memory: its own region grows.
    case draw(machine: String, standby: String, bytes: Int)
    /// A standby starts a job's copy: a region of `bytes` carved from its own
    /// region, named after the job (`machine/job` for a job of another machine),
    /// owned by the standby, returning to the pool if it fails in turn.
    case startCopy(machine: String, standby: String, copy: String, bytes: Int)
    /// A copy cannot start: its standby no longer has `bytes` free.
    case cannotStart(machine: String, standby: String, copy: String, bytes: Int)
    /// The machine fails: all its memory is gone, every row becomes lost.
    case loseMachine(machine: String)

    /// The machine whose table the step changes.
    public var machine: String {
        switch self {
        case .cutOff(let m, _, _), .handOver(let m, _, _, _), .release(let m, _, _), .mergeIntoOS(let m, _, _),
            .draw(let m, _, _), .startCopy(let m, _, _, _), .cannotStart(let m, _, _, _), .loseMachine(let m):
            m
        }
    }

    /// A short sentence, sizes in binary units: `hand A (128 MiB) to standby`.
    public var description: String {
        switch self {
        case .cutOff(let m, let r, let b): "\(m): cut off \(Size.describe(b)) of \(r): it cannot be read"
        case .handOver(let m, let r, let b, let s): "\(m): hand \(r) (\(Size.describe(b))) to \(s)"
        case .release(let m, let r, let b): "\(m): return \(r) (\(Size.describe(b))) to the pool"
        case .mergeIntoOS(let m, let r, let o): "\(m): stop \(r) and merge its region into \(o)"
        case .draw(let m, let s, let b): "\(m): give \(s) \(Size.describe(b)) from the pool"
        case .startCopy(let m, let s, let c, let b): "\(m): start \(c) on \(s) (\(Size.describe(b)))"
        case .cannotStart(let m, let s, let c, let b): "\(m): \(c) cannot start on \(s): \(Size.describe(b)) not free"
        case .loseMachine(let m): "\(m): the machine fails, all its memory is gone"
        }
    }
}

/// One case step by step: the affected machines' tables before the fault,
/// every step the monitor takes, and the tables after it.
public struct CaseTrace: Sendable, Hashable {
    /// The id of the case traced (`vms50/os/active`).
    public var caseID: String
    /// The final start-up tables of the affected machines (the case's machine
    /// and every machine where a standby starts a copy), in document order.
    public var before: [CaseTable]
    /// The monitor's steps, in the order taken; each changes one table
    /// (``tables(afterStep:)`` replays them).
    public var events: [CaseEvent]
    /// The tables after every step.
    public var after: [CaseTable]

    /// A trace of these parts; ``Planner/trace(_:in:)`` makes the real one.
    public init(caseID: String, before: [CaseTable], events: [CaseEvent], after: [CaseTable]) {
        self.caseID = caseID
        self.before = before
        self.events = events
        self.after = after
    }

    /// The tables after the first `count` steps (0: ``before``).
    public func tables(afterStep count: Int) -> [CaseTable] {
        var working = before.map(WorkingTable.init)
        for event in events.prefix(max(0, count)) {
            if let i = working.firstIndex(where: { $0.machine == event.machine }) { working[i].apply(event) }
        }
        return working.map(\.table)
    }
}

extension Planner {
    /// The tables of the machines a case affects, step by step; `nil` when `plan`
    /// has no case with that id.
    public static func trace(caseID: String, in compiled: CompiledSpec, plan: Plan) -> CaseTrace? {
        guard let faultCase = plan.faultCase(id: caseID) else { return nil }
        return trace(faultCase, in: compiled)
    }

    /// The tables of the machines a case affects, step by step; `nil` when the
    /// case names nothing in `compiled`. To trace many cases of one spec, use a
    /// ``CaseTracer``, which indexes the spec once.
    public static func trace(_ faultCase: FaultCase, in compiled: CompiledSpec) -> CaseTrace? {
        CaseTracer(compiled).trace(faultCase)
    }
}

/// Traces cases of one compiled spec, indexing it once, so that each trace
/// costs only the tables of the machines the case affects.
public struct CaseTracer: Sendable {
    let index: PlanIndex

    /// A tracer of `compiled`'s cases; indexing costs one pass over the spec.
    public init(_ compiled: CompiledSpec) { index = PlanIndex(compiled) }

    /// The tables of the machines a case affects, step by step; `nil` when the
    /// case names nothing in the spec.
    public func trace(_ faultCase: FaultCase) -> CaseTrace? {
        guard let spec = index.caseSpec(faultCase) else { return nil }
        return index.trace(spec, id: faultCase.id)
    }
}

extension PlanIndex {
    /// The internal case a public one names.
    func caseSpec(_ c: FaultCase) -> CaseSpec? {
        guard let m = machineIndex[c.machine] else { return nil }
        let record = machines[m]
        let spec = machine(m).machine
        switch c.kind {
        case .machine:
            return CaseSpec(kind: .machine, machine: m, target: m)
        case .job:
            guard let severity = c.severity else { return nil }
            for (o, os) in spec.oses.enumerated() {
                for j in oses[Int(record.oses.lowerBound) + o].jobs {
                    let specIndex = Int(jobs[Int(j)].specIndex)
                    if specIndex < os.jobs.count && os.jobs[specIndex].name == c.target {
                        return CaseSpec(kind: .job, machine: m, target: Int(j), severity: severity)
                    }
                }
            }
            return nil
        case .os, .memory, .standby:
            guard let o = spec.oses.firstIndex(where: { $0.name == c.target }) else { return nil }
            return CaseSpec(kind: c.kind, machine: m, target: Int(record.oses.lowerBound) + o)
        }
    }

    func regionName(_ ref: RegionRef) -> (machine: Int, name: String) {
        switch ref {
        case .own(let o): (Int(oses[o].machine), osName(o))
        case .job(let j): (machineOf(job: j), jobName(j))
        }
    }

    /// Replays a case on the final tables, with the same effects and the same
    /// placement of copies as the plan counts.
    func trace(_ spec: CaseSpec, id: String) -> CaseTrace {
        let simulator = CaseSimulator(self, recordsMoves: true)
        simulator.run(spec)
        simulator.placeCopies()
        var events: [CaseEvent] = []
        for move in simulator.moves {
            switch move {
            case .cut(let ref, let lost):
                let (m, region) = regionName(ref)
                events.append(.cutOff(machine: machine(m).name, region: region, bytes: lost))
            case .hand(let ref, let bytes, let to):
                let (m, region) = regionName(ref)
                events.append(.handOver(machine: machine(m).name, region: region, bytes: bytes, standby: osName(to)))
            case .release(let ref, let bytes):
                let (m, region) = regionName(ref)
                events.append(.release(machine: machine(m).name, region: region, bytes: bytes))
            case .merge(let j):
                events.append(
                    .mergeIntoOS(
                        machine: machine(machineOf(job: j)).name, region: jobName(j), os: osName(Int(jobs[j].os))))
            case .loseMachine(let m):
                events.append(.loseMachine(machine: machine(m).name))
            }
        }
        var affected: Set<Int> = [spec.machine]
        for p in 0..<simulator.pools.count {
            let pool = simulator.pools[p]
            let m = Int(pool.machine)
            affected.insert(m)
            let machineName = machine(m).name
            for r in Int(pool.firstReceiver)..<Int(pool.endReceiver) {
                let receiver = simulator.receivers[r]
                let standbyName = osName(Int(receiver.os))
                if receiver.drawn > 0 {
                    events.append(.draw(machine: machineName, standby: standbyName, bytes: receiver.drawn))
                }
                simulator.forEachCopy(of: r) { copy in
                    let bytes = jobs[Int(copy.job)].standbyMemory
                    let copyName = name(job: Int(copy.job), from: m)
                    events.append(
                        copy.started
                            ? .startCopy(machine: machineName, standby: standbyName, copy: copyName, bytes: bytes)
                            : .cannotStart(machine: machineName, standby: standbyName, copy: copyName, bytes: bytes))
                }
            }
        }
        let before = affected.sorted().map { m in
            let cm = machine(m)
            return CaseTable(machine: cm.name, memory: cm.machine.memory, lost: false, regions: cm.final)
        }
        var working = before.map(WorkingTable.init)
        for event in events {
            if let i = working.firstIndex(where: { $0.machine == event.machine }) { working[i].apply(event) }
        }
        return CaseTrace(caseID: id, before: before, events: events, after: working.map(\.table))
    }
}

/// A table being changed by a case, with O(1) steps: rows keep their place,
/// a removed row leaves a hole, a lost part hangs after its region, copies
/// wait to go before the pool.
struct WorkingTable {
    let machine: String
    let memory: Int
    var rows: [Region?]
    var lostParts: [Region?]
    var copies: [Region] = []
    var index: [String: Int] = [:]
    var poolIndex: Int?
    var lost = false

    init(_ table: CaseTable) {
        machine = table.machine
        memory = table.memory
        rows = table.regions
        lostParts = Array(repeating: nil, count: table.regions.count)
        lost = table.lost
        for (i, r) in table.regions.enumerated() {
            switch r.kind {
            case .os, .job: if index[r.name] == nil { index[r.name] = i }
            case .unallocated: poolIndex = i
            case .monitor: break
            }
        }
    }

    private mutating func add(_ bytes: Int, to i: Int?) {
        guard let i, var row = rows[i] else { return }
        row.size = satAdd(row.size, bytes)
        rows[i] = row
    }

    /// Removes a row and gives back its size.
    private mutating func take(_ name: String) -> Int {
        guard let i = index[name], let row = rows[i] else { return 0 }
        rows[i] = nil
        return row.size
    }

    mutating func apply(_ event: CaseEvent) {
        switch event {
        case .cutOff(_, let region, let bytes):
            guard let i = index[region], var row = rows[i] else { return }
            let cut = min(bytes, row.size)
            lostParts[i] = Region(
                name: region + lostSuffix, kind: row.kind, size: cut, owner: row.owner, onFault: row.owner)
            row.size -= cut
            rows[i] = row.size > 0 ? row : nil
        case .handOver(_, let region, _, let standby):
            add(take(region), to: index[standby])
        case .release(_, let region, _):
            add(take(region), to: poolIndex)
        case .mergeIntoOS(_, let region, let os):
            add(take(region), to: index[os])
        case .draw(_, let standby, let bytes):
            guard let p = poolIndex, var pool = rows[p] else { return }
            let given = min(bytes, pool.size)
            pool.size -= given
            rows[p] = pool
            add(given, to: index[standby])
        case .startCopy(_, let standby, let copy, let bytes):
            guard let s = index[standby], var row = rows[s] else { return }
            let carved = min(bytes, row.size)
            row.size -= carved
            rows[s] = row
            copies.append(Region(name: copy, kind: .job, size: carved, owner: standby, onFault: monitorName))
        case .cannotStart:
            break
        case .loseMachine:
            lost = true
        }
    }

    var table: CaseTable {
        var regions: [Region] = []
        regions.reserveCapacity(rows.count + copies.count)
        for i in rows.indices where i != poolIndex {
            if let row = rows[i] { regions.append(row) }
            if let part = lostParts[i] { regions.append(part) }
        }
        regions += copies
        if let p = poolIndex, let pool = rows[p] { regions.append(pool) }
        if lost {
            regions = regions.map { r in
                var r = r
                r.name += lostSuffix
                return r
            }
        }
        return CaseTable(machine: machine, memory: memory, lost: lost, regions: regions)
    }
}
