// The engine's simulation of one case. Restates, for speed, on flat buffers
// reused from case to case: CaseRules.outcome (Plan/Rules/CaseRules.swift)
// with its moves, CaseRules.count (what each machine's standbys lack and its
// pool gives), CaseRules.placeCopies (which copies start) and
// CaseRules.requiredPools (forEachRequiredPool); and FinalState.faults, the
// cases of a machine in report order (PlanIndex.forEachCase).
// EngineMatchesRulesTests checks on random specs that both give the same
// moves and the same result on every field of every case.

/// One case to simulate: a fault kind and what fails.
struct CaseSpec: Sendable, Hashable {
    var kind: FaultKind
    /// The machine the fault happens on.
    var machine: Int
    /// The failed OS (`os`, `memory`, `standby`) or job (`job`), as a position
    /// in ``PlanIndex/oses`` or ``PlanIndex/jobs``; unused for `machine`.
    var target: Int
    /// The severity of a `job` case.
    var severity: Severity?
}

/// A region of the final table, named by what it belongs to.
enum RegionRef: Hashable, Sendable {
    /// An OS's own area.
    case own(os: Int)
    case job(Int)
}

/// One step of a case, in the order the monitor takes them.
enum Move: Hashable, Sendable {
    /// The unreadable part of a region is split off (a `memory` fault).
    case cut(RegionRef, lost: Int)
    /// The (readable part of the) region is detached and added to a standby's own region.
    case hand(RegionRef, bytes: Int, to: Int)
    /// The (readable part of the) region returns to its machine's pool.
    case release(RegionRef, bytes: Int)
    /// A stopped job's region merges into its OS's own region.
    case merge(job: Int)
    /// The whole machine is gone.
    case loseMachine(Int)
}

/// A standby that must start copies in a case: what they need, what is
/// handed to it, and, once the case is counted, what it finds.
struct Receiver {
    /// The standby, as a position in ``PlanIndex/oses``.
    var os: Int32
    /// Its copies, a list through ``CaseSimulator/copies`` in document order;
    /// −1 when it has none.
    var firstCopy: Int32 = -1
    var lastCopy: Int32 = -1
    /// Σ standby_memory of its copies.
    var need = 0
    /// Bytes handed to it.
    var handed = 0
    /// Its free memory before the fault.
    var free = 0
    /// need − free − handed (never below 0).
    var missing = 0
    /// What its machine's pool gave it.
    var drawn = 0
}

/// A job copy a standby must start.
struct Copy {
    var job: Int32
    /// The next copy of the same standby, or −1.
    var next: Int32 = -1
    /// Whether it finds its memory (set by ``CaseSimulator/placeCopies()``).
    var started = false
}

/// A hot-standby job no memory brings back.
struct Unrecoverable {
    /// Why; a standby is a position in ``PlanIndex/oses``.
    typealias Reason = UnrecoverableCause<Int32>
    var job: Int32
    var reason: Reason
}

/// One machine's pool in a case where its standbys start copies.
struct PoolOutcome {
    var machine: Int32
    /// Its receiving standbys: positions in ``CaseSimulator/receivers``.
    var firstReceiver: Int32
    var endReceiver: Int32
    /// What the fault released into it.
    var released: Int
    /// What it held at failover: the unallocated memory plus ``released``.
    var held: Int
    /// Σ missing of its standbys.
    var missing: Int
    /// What it gave (0 with `pool: false`).
    var draw: Int
    /// missing − draw.
    var shortfall: Int
}

/// Simulates cases one at a time on the final tables, reusing its lists from
/// case to case so that a case allocates nothing: a fleet has hundreds of
/// thousands of cases, each touching a few regions.
///
/// After ``run(_:)`` the simulator holds what the case does (the regions it
/// moves, what it releases, the copies each standby must start) and how it
/// counts (per machine, what the standbys lack and what the pool gives). All of
/// it is valid until the next ``run(_:)``.
final class CaseSimulator {
    let index: PlanIndex
    private(set) var spec = CaseSpec(kind: .machine, machine: 0, target: 0)
    /// Whether ``moves`` is kept (a trace shows them; a plan only counts).
    let recordsMoves: Bool
    private(set) var moves: [Move] = []

    /// Bytes the case returns to its machine's pool: a fault releases memory
    /// on its own machine only (memory cannot cross machines).
    private(set) var released = 0
    /// The standbys that must start copies, each once, in document order.
    let receivers = FlatBuffer<Receiver>()
    let copies = FlatBuffer<Copy>()
    /// Jobs that stop whatever memory there is, in document order.
    let lost = FlatBuffer<Int32>()
    let unrecoverable = FlatBuffer<Unrecoverable>()
    /// Hot-standby jobs whose standby is down, in document order, as their
    /// slots in ``PlanIndex/incomingJobs`` (slots of the case machine's OSes).
    let unprotected = FlatBuffer<Int32>()
    /// A `standby` case is covered whatever it reports.
    private(set) var alwaysCovered = false

    /// Per machine whose standbys start copies, in document order.
    let pools = FlatBuffer<PoolOutcome>()
    /// Bytes the copies needed and could not find anywhere.
    private(set) var shortfall = 0
    /// Bytes all pools gave together.
    private(set) var poolDraw = 0

    /// Per OS: its position in ``receivers`` while a case is simulated, else
    /// −1. Made only once some case has many receivers: most have one or two,
    /// and a search of those is quicker than a table as large as the spec.
    private var receiverOf: FlatBuffer<Int32>?
    private static let searchedReceivers = 8

    /// Per job, where its copy starts, when it is not the index's own
    /// ``JobRecord/target`` (a placement tries other standbys on one index,
    /// one job's entry at a time). Only the simulation of copies reads it:
    /// the jobs a `standby` or `machine` case leaves unprotected are still
    /// listed from the index's own targets, and no figure counts them.
    let targets: FlatBuffer<Int32>?

    init(_ index: PlanIndex, recordsMoves: Bool = false, targets: FlatBuffer<Int32>? = nil) {
        self.index = index
        self.recordsMoves = recordsMoves
        self.targets = targets
    }

    /// Where job `j`'s copy starts: ``targets`` when given, else the index's.
    @inline(__always)
    private func target(of j: Int32, _ job: JobRecord) -> Int32 {
        guard let targets else { return job.target }
        return targets[Int(j)]
    }

    /// Whether every hot-standby job the case touches runs again: every copy
    /// starts and no job is beyond any memory (a `standby` case always is).
    var covered: Bool { alwaysCovered || (shortfall == 0 && unrecoverable.isEmpty) }

    /// Simulates one case and counts it with the standbys as compiled.
    func run(_ spec: CaseSpec) {
        self.spec = spec
        if recordsMoves { moves.removeAll(keepingCapacity: true) }
        released = 0
        receivers.removeAll()
        copies.removeAll()
        lost.removeAll()
        unrecoverable.removeAll()
        unprotected.removeAll()
        alwaysCovered = false
        switch spec.kind {
        case .os, .memory:
            failOS(spec.target, lossy: spec.kind == .memory)
        case .job:
            failJob(spec.target, severity: spec.severity ?? .light)
        case .standby:
            alwaysCovered = true
            let s = index.oses[spec.target]
            for slot in s.incoming { unprotected.append(slot) }
            for j in s.jobs { lost.append(j) }
        case .machine:
            failMachine(spec.machine)
        }
        // Receivers in document order, which groups them by machine.
        if let receiverOf {
            for r in 0..<receivers.count { receiverOf[Int(receivers[r].os)] = -1 }
        }
        receivers.sortIfNeeded { $0.os < $1.os }
        evaluate()
    }

    private func move(_ move: @autoclosure () -> Move) {
        if recordsMoves { moves.append(move()) }
    }

    private func release(_ region: RegionRef, _ bytes: Int) {
        guard bytes > 0 else { return }
        move(.release(region, bytes: bytes))
        released += bytes
    }

    /// Standby `t` owes job `j` a copy needing `need` bytes; `handed` bytes of
    /// the job's region are handed to it.
    private func receive(_ j: Int32, need: Int, handed: Int, at t: Int32) {
        var r = receiver(of: t)
        if r < 0 {
            r = receivers.count
            receivers.append(Receiver(os: t))
            if let receiverOf {
                receiverOf[Int(t)] = Int32(truncatingIfNeeded: r)
            } else if receivers.count > Self.searchedReceivers {
                let table = FlatBuffer<Int32>(capacity: index.oses.count)
                for _ in index.oses.indices { table.append(-1) }
                for k in 0..<receivers.count { table[Int(receivers[k].os)] = Int32(truncatingIfNeeded: k) }
                receiverOf = table
            }
        }
        let c = Int32(truncatingIfNeeded: copies.count)
        copies.append(Copy(job: j))
        let receiver = receivers.base + r
        receiver.pointee.need += need
        receiver.pointee.handed += handed
        if receiver.pointee.lastCopy >= 0 {
            copies[Int(receiver.pointee.lastCopy)].next = c
        } else {
            receiver.pointee.firstCopy = c
        }
        receiver.pointee.lastCopy = c
    }

    /// The position of standby `t` in ``receivers``, or −1.
    private func receiver(of t: Int32) -> Int {
        if let receiverOf { return Int(receiverOf[Int(t)]) }
        // The last one first: a standby's copies tend to come one after another.
        var r = receivers.count - 1
        while r >= 0 && receivers[r].os != t { r -= 1 }
        return r
    }

    /// `os` and `memory` cases: X stops; with `lossy`, the lost share of each of
    /// its regions is cut off first and only the rest moves.
    private func failOS(_ x: Int, lossy: Bool) {
        let os = index.oses[x]
        let ownLost = lossy ? lostPart(of: os.own) : 0
        if ownLost > 0 { move(.cut(.own(os: x), lost: ownLost)) }
        if index.policies.osArea == .release { release(.own(os: x), os.own - ownLost) }
        for j in os.jobs {
            let job = index.jobs[Int(j)]
            let size = job.memory
            let lostBytes = lossy ? lostPart(of: size) : 0
            if lostBytes > 0 { move(.cut(.job(Int(j)), lost: lostBytes)) }
            if job.hotStandby {
                route(j, job, readable: size - lostBytes, down: Int32(truncatingIfNeeded: x))
            } else {
                release(.job(Int(j)), size - lostBytes)
                lost.append(j)
            }
        }
    }

    /// The lost part of a region of the case's machine (``PlanIndex/lostPart(of:machine:)``),
    /// remembered for the last size asked: an OS's jobs are often all of one size.
    private func lostPart(of size: Int) -> Int {
        if size != lastLost.size || spec.machine != lastLost.machine {
            lastLost = (spec.machine, size, index.lostPart(of: size, machine: spec.machine))
        }
        return lastLost.part
    }

    private var lastLost: (machine: Int, size: Int, part: Int) = (-1, 0, 0)

    /// `job` cases, per the job's policy at that severity.
    private func failJob(_ j: Int, severity: Severity) {
        let job = index.jobs[j]
        let position = Int32(truncatingIfNeeded: j)
        switch job.policy[severity] {
        case .restart:
            break
        case .stop:
            move(.merge(job: j))
            lost.append(position)
            if job.hotStandby { unrecoverable.append(Unrecoverable(job: position, reason: .stoppedByPolicy)) }
        case .failover:
            // An ordinary job has nowhere to fail over to: it restarts in place.
            if job.hotStandby { route(position, job, readable: job.memory, down: -1) }
        }
    }

    /// A hot-standby job's region goes to its standby, or to its own machine's
    /// pool when the standby is on another machine (memory cannot cross
    /// machines); the standby then owes the job a copy. `down` is an OS that
    /// stopped in the same fault, or −1.
    private func route(_ j: Int32, _ job: JobRecord, readable: Int, down: Int32) {
        let t = target(of: j, job)
        guard t >= 0, t != down else {
            release(.job(Int(j)), readable)
            lost.append(j)
            unrecoverable.append(Unrecoverable(job: j, reason: t >= 0 ? .standbyDown(t) : .noStandby))
            return
        }
        if Int(index.oses[Int(t)].machine) == spec.machine {
            if readable > 0 { move(.hand(.job(Int(j)), bytes: readable, to: Int(t))) }
            receive(j, need: job.standbyMemory, handed: readable, at: t)
        } else {
            release(.job(Int(j)), readable)
            receive(j, need: job.standbyMemory, handed: 0, at: t)
        }
    }

    /// `machine` case: every OS of M stops and its memory is gone. Only
    /// hot-standby jobs whose standby is on another machine survive, as copies
    /// started there from that standby's free memory and its machine's pool.
    private func failMachine(_ m: Int) {
        move(.loseMachine(m))
        let machine = index.machines[m]
        for j in machine.jobs {
            let job = index.jobs[Int(j)]
            guard job.hotStandby else {
                lost.append(j)
                continue
            }
            let t = target(of: j, job)
            guard t >= 0, Int(index.oses[Int(t)].machine) != m else {
                lost.append(j)
                unrecoverable.append(Unrecoverable(job: j, reason: t >= 0 ? .standbyDown(t) : .noStandby))
                continue
            }
            receive(j, need: job.standbyMemory, handed: 0, at: t)
        }
        for o in machine.oses {
            for slot in index.oses[Int(o)].incoming where index.machineOf(job: Int(index.incomingJobs[Int(slot)])) != m {
                unprotected.append(slot)
            }
        }
        let incoming = index.incomingJobs
        unprotected.sortIfNeeded { incoming[Int($0)] < incoming[Int($1)] }
    }

    /// Counts the case with the standbys as compiled.
    ///
    /// Per machine: missing = Σ over its receiving standbys of max(0, need − free −
    /// handed); the pool (unallocated + released) gives min(pool, missing); the
    /// rest is the shortfall. Neither figure depends on the order copies start.
    /// The draw goes to the machine's standbys in document order.
    private func evaluate() {
        pools.removeAll()
        shortfall = 0
        poolDraw = 0
        guard !receivers.isEmpty else { return }
        var i = 0
        let n = receivers.count
        while i < n {
            let mm = index.oses[Int(receivers[i].os)].machine
            var end = i
            var missing = 0
            while end < n && index.oses[Int(receivers[end].os)].machine == mm {
                let r = receivers.base + end
                let free = index.oses[Int(r.pointee.os)].free
                r.pointee.free = free
                r.pointee.missing = lacking(r.pointee.need, minus: free, r.pointee.handed)
                r.pointee.drawn = 0
                missing += r.pointee.missing
                end += 1
            }
            let released = Int(mm) == spec.machine ? self.released : 0
            let held = index.machines[Int(mm)].pool + released
            let draw = index.policies.pool ? min(held, missing) : 0
            var left = draw
            for k in i..<end where left > 0 {
                let d = min(receivers[k].missing, left)
                left -= d
                receivers.base[k].drawn = d
            }
            pools.append(
                PoolOutcome(
                    machine: mm, firstReceiver: Int32(truncatingIfNeeded: i), endReceiver: Int32(truncatingIfNeeded: end),
                    released: released, held: held, missing: missing, draw: draw, shortfall: missing - draw))
            shortfall += missing - draw
            poolDraw += draw
            i = end
        }
    }

    /// Decides which copies start: each standby starts its copies in document
    /// order from its free memory, what was handed to it and what it drew,
    /// skipping any that no longer fit.
    func placeCopies() {
        for r in 0..<receivers.count {
            let receiver = receivers[r]
            var available = receiver.free + receiver.handed + receiver.drawn
            var c = Int(receiver.firstCopy)
            while c >= 0 {
                let copy = copies.base + c
                let need = index.jobs[Int(copy.pointee.job)].standbyMemory
                copy.pointee.started = need <= available
                if copy.pointee.started { available -= need }
                c = Int(copy.pointee.next)
            }
        }
    }

    /// The copies of receiver `r`, in document order.
    func forEachCopy(of r: Int, _ body: (Copy) -> Void) {
        var c = Int(receivers[r].firstCopy)
        while c >= 0 {
            body(copies[c])
            c = Int(copies[c].next)
        }
    }

    /// Per receiving standby: the most it must supply beyond what is handed to it.
    func raiseDemands(_ extra: inout [Int]) {
        for r in 0..<receivers.count {
            let receiver = receivers[r]
            let o = Int(receiver.os)
            extra[o] = max(extra[o], lacking(receiver.need, minus: receiver.handed))
        }
    }

    /// Per machine whose standbys start copies: what its pool must hold after
    /// start-up, beyond what the fault releases, for every copy to start —
    /// `atFloor` with each receiving standby at its floor (no free memory),
    /// `asWritten` with the free memory the standbys have.
    func forEachRequiredPool(_ body: (_ machine: Int, _ atFloor: Int, _ asWritten: Int) -> Void) {
        for p in 0..<pools.count {
            let pool = pools[p]
            var atFloor = 0
            var asWritten = 0
            for r in Int(pool.firstReceiver)..<Int(pool.endReceiver) {
                let receiver = receivers[r]
                atFloor += lacking(receiver.need, minus: receiver.handed)
                asWritten += receiver.missing
            }
            body(Int(pool.machine), lacking(atFloor, minus: pool.released), lacking(asWritten, minus: pool.released))
        }
    }
}

extension PlanIndex {
    /// Whether a case does nothing at all: a `job` case whose job restarts in
    /// place (a `restart` policy, or `failover` of an ordinary job). Such a case
    /// is covered, moves nothing and owes no copy.
    func restartsInPlace(_ spec: CaseSpec) -> Bool {
        guard spec.kind == .job, let severity = spec.severity else { return false }
        let job = jobs[spec.target]
        switch job.policy[severity] {
        case .restart: return true
        case .failover: return !job.hotStandby
        case .stop: return false
        }
    }

    /// Calls `body` with each case of `kinds` on machine `m`, in report order:
    /// kinds in the order given (``FaultKind`` order in a plan); targets in
    /// document order; job severities light then severe.
    func forEachCase<E: Error>(
        of kinds: [FaultKind], machine m: Int, _ body: (CaseSpec) throws(E) -> Void
    ) throws(E) {
        let machine = machines[m]
        for kind in kinds {
            switch kind {
            case .os, .memory, .standby:
                let role: OSRole = kind == .standby ? .standby : .active
                for o in machine.oses where oses[Int(o)].role == role {
                    try body(CaseSpec(kind: kind, machine: m, target: Int(o)))
                }
            case .job:
                for j in machine.jobs {
                    for severity in Severity.allCases {
                        try body(CaseSpec(kind: kind, machine: m, target: Int(j), severity: severity))
                    }
                }
            case .machine:
                try body(CaseSpec(kind: kind, machine: m, target: m))
            }
        }
    }
}
