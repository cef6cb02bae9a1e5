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
    var moves: [Move] = []
    /// Per machine: bytes returned to its pool.
    var released: [Int: Int] = [:]
    var receivers: [OSID: Receiver] = [:]
    /// Jobs that stop whatever memory there is.
    var lost: [JobID] = []
    var unrecoverable: [Unrecoverable] = []
    /// Hot-standby jobs whose standby is down.
    var unprotected: [JobID] = []
    /// A `standby` case is covered whatever it reports.
    var alwaysCovered = false

    init(_ spec: CaseSpec) { self.spec = spec }

    mutating func release(_ region: RegionRef, _ bytes: Int, machine: Int) {
        guard bytes > 0 else { return }
        moves.append(.release(region, bytes: bytes))
        released[machine] = satAdd(released[machine] ?? 0, bytes)
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
    /// The cases of `kinds`, in report order: machines in document order; per
    /// machine, kinds in ``FaultKind`` order; targets in document order; job
    /// severities light then severe.
    func cases(of kinds: [FaultKind]) -> [CaseSpec] {
        var out: [CaseSpec] = []
        for (m, cm) in compiled.machines.enumerated() {
            let oses = cm.machine.oses
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
        }
        return out
    }

    /// The effects of one case on the final tables.
    func simulate(_ spec: CaseSpec) -> CaseEffects {
        var e = CaseEffects(spec)
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
                e.moves.append(.merge(j))
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
        if ownLost > 0 { e.moves.append(.cut(.own(x), lost: ownLost)) }
        if policies.osArea == .release { e.release(.own(x), own - ownLost, machine: m) }
        for entry in jobs[m][x.os] {
            let size = entry.job.memory
            let lost = lossy ? lostPart(of: size, machine: m) : 0
            if lost > 0 { e.moves.append(.cut(.job(entry.id), lost: lost)) }
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
        var r = e.receivers[t] ?? Receiver()
        r.need = satAdd(r.need, entry.job.standbyMemory)
        r.copies.append(entry.id)
        if t.machine == m {
            if readable > 0 { e.moves.append(.hand(.job(entry.id), bytes: readable, to: t)) }
            r.handed = satAdd(r.handed, readable)
        } else {
            e.release(.job(entry.id), readable, machine: m)
        }
        e.receivers[t] = r
    }

    /// `machine` case: every OS of M stops and its memory is gone. Only
    /// hot-standby jobs whose standby is on another machine survive, as copies
    /// started there from that standby's free memory and its machine's pool.
    private func failMachine(_ m: Int, into e: inout CaseEffects) {
        e.moves.append(.loseMachine(m))
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
                var r = e.receivers[t] ?? Receiver()
                r.need = satAdd(r.need, entry.job.standbyMemory)
                r.copies.append(entry.id)
                e.receivers[t] = r
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
        for id in e.receivers.keys.sorted() {
            guard let r = e.receivers[id] else { continue }
            if groups.last?.machine == id.machine {
                groups[groups.count - 1].standbys.append((id, r))
            } else {
                groups.append((id.machine, [(id, r)]))
            }
        }
        return groups
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
            let released = e.released[mm] ?? 0
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
            return (group.machine, lacking(missing, minus: e.released[group.machine] ?? 0))
        }
    }
}
