/// One case to simulate: a fault kind and what fails.
struct CaseSpec: Sendable, Hashable {
    var kind: FaultKind
    /// The machine the fault happens on.
    var machine: Int
    /// The failed OS (`os`, `memory`, `standby`).
    var os: OSID?
    /// The faulting job (`job`).
    var job: JobID?
    var severity: Severity?
}

/// A region of the final table, named by what it belongs to.
enum RegionRef: Hashable, Sendable {
    /// An OS's own area.
    case own(OSID)
    case job(JobID)
}

/// One step of a case, in the order the monitor takes them.
enum Move: Hashable, Sendable {
    /// The unreadable part of a region is split off (a `memory` fault).
    case cut(RegionRef, lost: Int)
    /// The (readable part of the) region is detached and added to a standby's own region.
    case hand(RegionRef, bytes: Int, to: OSID)
    /// The (readable part of the) region returns to its machine's pool.
    case release(RegionRef, bytes: Int)
    /// A stopped job's region merges into its OS's own region.
    case merge(JobID)
    /// The whole machine is gone.
    case loseMachine(Int)
}

/// What a standby receives in a case: the copies it must start, what they
/// need, and the memory handed to it.
struct Receiver: Sendable {
    var handed = 0
    var need = 0
    var copies: [JobID] = []
}

/// A hot-standby job no memory brings back.
struct Unrecoverable: Sendable {
    enum Reason: Sendable {
        case standbyDown(OSID)
        case stoppedByPolicy, noStandby
    }
    var job: JobID
    var reason: Reason
}

/// What a case does, before any memory is counted: the regions it moves, what
/// it releases into which pool, and the copies each standby must start.
struct CaseEffects: Sendable {
    var spec: CaseSpec
    /// Whether ``moves`` is kept (a trace shows them; a plan only counts).
    let recordsMoves: Bool
    var moves: [Move] = []
    /// Per machine (each at most once): bytes returned to its pool. A case
    /// touches one machine or a few, so a list is quicker than a dictionary.
    var released: [(machine: Int, bytes: Int)] = []
    /// The standbys that must start copies, each once, in document order.
    var receivers: [(id: OSID, receiver: Receiver)] = []
    /// Jobs that stop whatever memory there is.
    var lost: [JobID] = []
    var unrecoverable: [Unrecoverable] = []
    /// Hot-standby jobs whose standby is down.
    var unprotected: [JobID] = []
    /// A `standby` case is covered whatever it reports.
    var alwaysCovered = false

    init(_ spec: CaseSpec, recordsMoves: Bool) {
        self.spec = spec
        self.recordsMoves = recordsMoves
    }

    mutating func move(_ move: Move) {
        if recordsMoves { moves.append(move) }
    }

    /// Bytes the case returns to machine `m`'s pool.
    func released(on m: Int) -> Int {
        for entry in released where entry.machine == m { return entry.bytes }
        return 0
    }

    mutating func release(_ region: RegionRef, _ bytes: Int, machine: Int) {
        guard bytes > 0 else { return }
        move(.release(region, bytes: bytes))
        if let i = released.firstIndex(where: { $0.machine == machine }) {
            released[i].bytes = satAdd(released[i].bytes, bytes)
        } else {
            released.append((machine, bytes))
        }
    }

    /// Standby `t` owes job `job` a copy needing `need` bytes; `handed` bytes of
    /// the job's region are handed to it.
    mutating func receive(_ job: JobID, need: Int, handed: Int, at t: OSID) {
        var i = receivers.count
        while i > 0 && t < receivers[i - 1].id { i -= 1 }
        if i == 0 || receivers[i - 1].id != t {
            receivers.insert((t, Receiver()), at: i)
            i += 1
        }
        receivers[i - 1].receiver.need = satAdd(receivers[i - 1].receiver.need, need)
        receivers[i - 1].receiver.handed = satAdd(receivers[i - 1].receiver.handed, handed)
        receivers[i - 1].receiver.copies.append(job)
    }
}

/// The figures of one machine whose standbys start copies in a case.
struct MachineOutcome: Sendable {
    struct Standby: Sendable {
        var id: OSID
        var receiver: Receiver
        var free: Int
        var missing: Int
        var drawn: Int
        var started: [JobID]
        var short: [JobID]
    }

    var machine: Int
    var released: Int
    var held: Int
    var missing: Int
    var draw: Int
    var shortfall: Int
    var standbys: [Standby]
}

/// A case counted with the standbys' actual free memory.
struct Evaluation: Sendable {
    var machines: [MachineOutcome] = []
    var shortfall = 0
    var poolDraw = 0
}

extension PlanIndex {
    /// The cases of `kinds` on machine `m`, in report order: kinds in
    /// ``FaultKind`` order; targets in document order; job severities light then
    /// severe. (Machines come in document order: a plan asks for each in turn.)
    func cases(of kinds: [FaultKind], machine m: Int) -> [CaseSpec] {
        var out: [CaseSpec] = []
        let oses = compiled.machines[m].machine.oses
        for kind in kinds {
            switch kind {
            case .os, .memory:
                for (o, os) in oses.enumerated() where os.role == .active {
                    out.append(CaseSpec(kind: kind, machine: m, os: OSID(machine: m, os: o)))
                }
            case .standby:
                for (o, os) in oses.enumerated() where os.role == .standby {
                    out.append(CaseSpec(kind: kind, machine: m, os: OSID(machine: m, os: o)))
                }
            case .job:
                for perOS in jobs[m] {
                    for entry in perOS {
                        for severity in Severity.allCases {
                            out.append(CaseSpec(kind: kind, machine: m, job: entry.id, severity: severity))
                        }
                    }
                }
            case .machine:
                out.append(CaseSpec(kind: kind, machine: m))
            }
        }
        return out
    }

    /// Whether a case does nothing at all: a `job` case whose job restarts in
    /// place (a `restart` policy, or `failover` of an ordinary job). Such a case
    /// is covered, moves nothing and owes no copy.
    func isRestart(_ spec: CaseSpec) -> Bool {
        guard spec.kind == .job, let j = spec.job, let severity = spec.severity else { return false }
        let job = entry(j).job
        switch job.policy[severity] {
        case .restart: return true
        case .failover: return !job.hotStandby
        case .stop: return false
        }
    }

    /// The effects of one case on the final tables; with `moves`, the steps too.
    func simulate(_ spec: CaseSpec, moves: Bool = false) -> CaseEffects {
        var e = CaseEffects(spec, recordsMoves: moves)
        switch spec.kind {
        case .os, .memory:
            guard let x = spec.os else { break }
            failOS(x, lossy: spec.kind == .memory, into: &e)
        case .job:
            guard let j = spec.job, let severity = spec.severity else { break }
            let entry = entry(j)
            switch entry.job.policy[severity] {
            case .restart:
                break
            case .stop:
                e.move(.merge(j))
                e.lost.append(j)
                if entry.job.hotStandby { e.unrecoverable.append(Unrecoverable(job: j, reason: .stoppedByPolicy)) }
            case .failover:
                // An ordinary job has nowhere to fail over to: it restarts in place.
                if entry.job.hotStandby {
                    route(entry, readable: entry.job.memory, down: { _ in false }, into: &e)
                }
            }
        case .standby:
            guard let s = spec.os else { break }
            e.alwaysCovered = true
            e.unprotected = incoming[s] ?? []
            e.lost = jobs[s.machine][s.os].map(\.id)
        case .machine:
            failMachine(spec.machine, into: &e)
        }
        return e
    }

    /// `os` and `memory` cases: X stops; with `lossy`, the lost share of each of
    /// its regions is cut off first and only the rest moves.
    private func failOS(_ x: OSID, lossy: Bool, into e: inout CaseEffects) {
        let m = x.machine
        let own = ownRegion[m][x.os]
        let ownLost = lossy ? lostPart(of: own, machine: m) : 0
        if ownLost > 0 { e.move(.cut(.own(x), lost: ownLost)) }
        if policies.osArea == .release { e.release(.own(x), own - ownLost, machine: m) }
        for entry in jobs[m][x.os] {
            let size = entry.job.memory
            let lost = lossy ? lostPart(of: size, machine: m) : 0
            if lost > 0 { e.move(.cut(.job(entry.id), lost: lost)) }
            if entry.job.hotStandby {
                route(entry, readable: size - lost, down: { $0 == x }, into: &e)
            } else {
                e.release(.job(entry.id), size - lost, machine: m)
                e.lost.append(entry.id)
            }
        }
    }

    /// A hot-standby job's region goes to its standby, or to its own machine's
    /// pool when the standby is on another machine (memory cannot cross
    /// machines); the standby then owes the job a copy.
    private func route(
        _ entry: JobEntry, readable: Int, down: (OSID) -> Bool, into e: inout CaseEffects
    ) {
        let m = entry.id.machine
        guard let t = entry.target, !down(t) else {
            e.release(.job(entry.id), readable, machine: m)
            e.lost.append(entry.id)
            let reason: Unrecoverable.Reason = entry.target.map { .standbyDown($0) } ?? .noStandby
            e.unrecoverable.append(Unrecoverable(job: entry.id, reason: reason))
            return
        }
        if t.machine == m {
            if readable > 0 { e.move(.hand(.job(entry.id), bytes: readable, to: t)) }
            e.receive(entry.id, need: entry.job.standbyMemory, handed: readable, at: t)
        } else {
            e.release(.job(entry.id), readable, machine: m)
            e.receive(entry.id, need: entry.job.standbyMemory, handed: 0, at: t)
        }
    }

    /// `machine` case: every OS of M stops and its memory is gone. Only
    /// hot-standby jobs whose standby is on another machine survive, as copies
    /// started there from that standby's free memory and its machine's pool.
    private func failMachine(_ m: Int, into e: inout CaseEffects) {
        e.move(.loseMachine(m))
        for perOS in jobs[m] {
            for entry in perOS {
                guard entry.job.hotStandby else {
                    e.lost.append(entry.id)
                    continue
                }
                guard let t = entry.target, t.machine != m else {
                    e.lost.append(entry.id)
                    let reason: Unrecoverable.Reason = entry.target.map { .standbyDown($0) } ?? .noStandby
                    e.unrecoverable.append(Unrecoverable(job: entry.id, reason: reason))
                    continue
                }
                e.receive(entry.id, need: entry.job.standbyMemory, handed: 0, at: t)
            }
        }
        for o in jobs[m].indices {
            e.unprotected += (incoming[OSID(machine: m, os: o)] ?? []).filter { $0.machine != m }
        }
        e.unprotected.sort()
    }

    /// The receivers of a case grouped by machine, each group in document order.
    func receiversByMachine(_ e: CaseEffects) -> [(machine: Int, standbys: [(OSID, Receiver)])] {
        var groups: [(machine: Int, standbys: [(OSID, Receiver)])] = []
        for (id, r) in e.receivers {
            if groups.last?.machine == id.machine {
                groups[groups.count - 1].standbys.append((id, r))
            } else {
                groups.append((id.machine, [(id, r)]))
            }
        }
        return groups
    }

    /// Whether a case is covered, as ``evaluate(_:)`` counts it: every copy
    /// starts and no hot-standby job is beyond any memory (a `standby` case
    /// always is).
    func isCovered(_ e: CaseEffects) -> Bool {
        if e.alwaysCovered { return true }
        guard e.unrecoverable.isEmpty else { return false }
        // Per machine: missing − what its pool gives, as in `evaluate`.
        // `receivers` is in document order, so one machine's standbys are adjacent.
        var i = 0
        while i < e.receivers.count {
            let mm = e.receivers[i].id.machine
            var missing = 0
            while i < e.receivers.count && e.receivers[i].id.machine == mm {
                let (id, r) = e.receivers[i]
                missing = satAdd(missing, lacking(r.need, minus: free(id), r.handed))
                i += 1
            }
            guard missing > 0 else { continue }
            let draw = policies.pool ? min(satAdd(pool(mm), e.released(on: mm)), missing) : 0
            if missing - draw > 0 { return false }
        }
        return true
    }

    /// Counts a case with the standbys as compiled.
    ///
    /// Per machine: missing = Σ over its receiving standbys of max(0, need − free −
    /// handed); the pool (unallocated + released) gives min(pool, missing); the
    /// rest is the shortfall. Neither figure depends on the order copies start.
    /// Which copies start when a pool runs short does: the draw goes to the
    /// machine's standbys in document order, and each standby starts its copies
    /// in document order, skipping any that no longer fit.
    func evaluate(_ e: CaseEffects) -> Evaluation {
        var ev = Evaluation()
        for group in receiversByMachine(e) {
            let mm = group.machine
            let released = e.released(on: mm)
            let held = satAdd(pool(mm), released)
            var standbys: [MachineOutcome.Standby] = []
            var missing = 0
            for (id, r) in group.standbys {
                let f = free(id)
                let miss = lacking(r.need, minus: f, r.handed)
                missing = satAdd(missing, miss)
                standbys.append(.init(id: id, receiver: r, free: f, missing: miss, drawn: 0, started: [], short: []))
            }
            let draw = policies.pool ? min(held, missing) : 0
            var left = draw
            for i in standbys.indices {
                let d = min(standbys[i].missing, left)
                left -= d
                standbys[i].drawn = d
                var available = satAdd(satAdd(standbys[i].free, standbys[i].receiver.handed), d)
                for copy in standbys[i].receiver.copies {
                    let need = entry(copy).job.standbyMemory
                    if need <= available {
                        available -= need
                        standbys[i].started.append(copy)
                    } else {
                        standbys[i].short.append(copy)
                    }
                }
            }
            let outcome = MachineOutcome(
                machine: mm, released: released, held: held, missing: missing, draw: draw,
                shortfall: missing - draw, standbys: standbys)
            ev.shortfall = satAdd(ev.shortfall, outcome.shortfall)
            ev.poolDraw = satAdd(ev.poolDraw, draw)
            ev.machines.append(outcome)
        }
        return ev
    }

    /// Per machine whose standbys start copies in the case: what its pool must
    /// hold after start-up, beyond what the fault releases, for every copy to
    /// start when each receiving standby has `freeMin` free memory.
    func requiredPools(_ e: CaseEffects, freeMin: (OSID) -> Int) -> [(machine: Int, bytes: Int)] {
        guard policies.pool else { return [] }
        return receiversByMachine(e).map { group in
            var missing = 0
            for (id, r) in group.standbys {
                missing = satAdd(missing, lacking(r.need, minus: freeMin(id), r.handed))
            }
            return (group.machine, lacking(missing, minus: e.released(on: group.machine)))
        }
    }
}
