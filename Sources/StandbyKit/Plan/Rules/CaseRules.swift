// The rules of one fault case (docs/model.md, "Planning: every single fault";
// every reading of it is in `docs/planning.md`), stated once on plain values.
//
// This is the planner's statement of what a case does. The engine in
// `Plan/Engine/` computes the same things with flat buffers and reused
// scratch space for speed; a property test (EngineMatchesRulesTests) checks
// on random specs that both give the same result on every field of every case.
// Change a rule here first, then the engine to follow.

/// One single fault, as the rules name it.
enum Fault: Hashable, Sendable {
    /// An active OS stops.
    case os(OSAddress)
    /// A job fails at a severity and its policy says what follows.
    case job(JobAddress, Severity)
    /// A standby OS stops.
    case standby(OSAddress)
    /// Part of an active OS's memory cannot be read; the OS stops.
    case memory(OSAddress)
    /// A whole machine stops; its memory is gone.
    case machine(Int)

    var kind: FaultKind {
        switch self {
        case .os: .os
        case .job: .job
        case .standby: .standby
        case .memory: .memory
        case .machine: .machine
        }
    }

    /// Whether OS `o` stops in this fault (a standby there can start no copy).
    func stops(_ o: OSAddress) -> Bool {
        switch self {
        case .os(let x), .memory(let x), .standby(let x): o == x
        case .job: false
        case .machine(let m): o.machine == m
        }
    }

    /// The machine the fault happens on.
    var machine: Int {
        switch self {
        case .os(let o), .standby(let o), .memory(let o): o.machine
        case .job(let j, _): j.machine
        case .machine(let m): m
        }
    }
}

extension FinalState {
    /// The cases of `kinds` on machine `m` in report order: kinds in
    /// ``FaultKind`` order (without repeats), targets in document order, a
    /// job's severities light then severe.
    func faults(_ kinds: [FaultKind], machine m: Int) -> [Fault] {
        var faults: [Fault] = []
        let oses = machines[m].oses.indices.map { OSAddress(machine: m, os: $0) }
        for kind in Set(kinds).sorted() {
            switch kind {
            case .os: faults += oses.filter { os($0).role == .active }.map { .os($0) }
            case .memory: faults += oses.filter { os($0).role == .active }.map { .memory($0) }
            case .standby: faults += oses.filter { os($0).role == .standby }.map { .standby($0) }
            case .job: faults += jobs(of: m).flatMap { j in Severity.allCases.map { .job(j, $0) } }
            case .machine: faults.append(.machine(m))
            }
        }
        return faults
    }
}

/// The rules of one case: what moves, what returns to the pool, what is lost,
/// what each receiving standby needs, finds and draws, which copies start.
enum CaseRules {
    /// A region of the final table.
    enum Region: Hashable, Sendable {
        /// An OS's own area.
        case own(OSAddress)
        case job(JobAddress)
    }

    /// One step of a case, in the order the monitor takes them.
    enum Move: Hashable, Sendable {
        /// The unreadable part of a region is cut off (a `memory` fault).
        case cut(Region, lost: Int)
        /// The (readable part of the) region is handed to a standby on the same machine.
        case hand(Region, bytes: Int, to: OSAddress)
        /// The (readable part of the) region returns to its machine's pool.
        case release(Region, bytes: Int)
        /// A stopped job's region merges into its OS's own region.
        case merge(JobAddress)
        /// The whole machine is gone.
        case loseMachine(Int)
    }

    /// Why no memory brings a hot-standby job back.
    typealias Reason = UnrecoverableCause<OSAddress>

    /// A hot-standby job no memory brings back, and why.
    struct Unrecoverable: Hashable, Sendable {
        var job: JobAddress
        var reason: Reason
    }

    /// A standby that must start copies in the case.
    struct Receiver: Hashable, Sendable {
        var standby: OSAddress
        /// The jobs it owes a copy, in document order.
        var copies: [JobAddress] = []
        /// Σ standby_memory of the copies.
        var need = 0
        /// Bytes of the failed regions handed to it.
        var handed = 0
        /// Its free memory after start-up: own region − kernel.
        var free = 0
        /// max(0, need − free − handed).
        var missing = 0
        /// What its machine's pool gave it.
        var drawn = 0
        /// The copies that start (the rest are lost), in document order.
        var started: [JobAddress] = []
    }

    /// The pool of one machine whose standbys start copies.
    struct Pool: Hashable, Sendable {
        var machine: Int
        /// What the fault released into it (only on the case's own machine).
        var released: Int
        /// Unallocated after start-up + released.
        var held: Int
        /// Σ missing of its receiving standbys.
        var missing: Int
        /// min(held, missing), or 0 with `pool: false`.
        var draw: Int
        /// missing − draw.
        var shortfall: Int
    }

    /// What one case does and how it counts.
    struct Outcome: Hashable, Sendable {
        var fault: Fault
        /// The job's action at the case's severity (`job` cases).
        var action: JobFaultAction?
        var moves: [Move] = []
        /// Bytes returned to the case machine's pool.
        var released = 0
        /// Jobs that stop whatever memory there is.
        var stopped: [JobAddress] = []
        /// Hot-standby jobs no memory brings back, in the order the case meets them.
        var unrecoverable: [Unrecoverable] = []
        /// Hot-standby jobs whose standby is down, in document order.
        var unprotected: [JobAddress] = []
        /// Σ memory of ``unprotected`` (the jobs' own regions).
        var unprotectedMemory = 0
        /// A `standby` case is covered whatever it reports.
        var alwaysCovered = false
        /// The receiving standbys, in document order (so grouped by machine).
        var receivers: [Receiver] = []
        /// Per machine with receiving standbys, in document order.
        var pools: [Pool] = []

        /// Bytes the copies needed and could not find: Σ over pools.
        var shortfall: Int { pools.reduce(0) { $0 + $1.shortfall } }
        /// Bytes all pools gave together.
        var poolDraw: Int { pools.reduce(0) { $0 + $1.draw } }
        /// Every hot-standby job the case touches runs again.
        var covered: Bool { alwaysCovered || (shortfall == 0 && unrecoverable.isEmpty) }
        /// Jobs that do not run again: the stopped ones and the copies that did not start.
        var lostJobs: [JobAddress] {
            (stopped + receivers.flatMap { r in r.copies.filter { !r.started.contains($0) } }).sorted()
        }
        /// Hot-standby jobs whose copies started.
        var takenOver: [JobAddress] { receivers.flatMap(\.started).sorted() }
    }

    /// The part of a region of machine `m` a memory fault makes unreadable:
    /// ⌈size × lost⌉, rounded up to the machine's granule, never above the region.
    static func unreadable(_ size: Int, machine m: Int, in state: FinalState) -> Int {
        let part = state.policies.memoryLost.ceilPart(of: size)
        let granule = max(1, state.machines[m].granule)
        let remainder = part % granule
        if remainder == 0 { return part }
        // Rounded up, but never past the region (which also keeps the sum in range).
        return size - part <= granule - remainder ? size : part + (granule - remainder)
    }

    /// Simulates `fault` alone on the final state.
    static func outcome(of fault: Fault, in state: FinalState) -> Outcome {
        var effects = Effects(state, stopping: fault.stops)
        effects.apply(fault)
        var outcome = Outcome(fault: fault)
        outcome.action = effects.action
        outcome.moves = effects.moves
        // A single fault releases memory on its own machine only.
        outcome.released = effects.released[fault.machine] ?? 0
        outcome.stopped = effects.stopped
        outcome.unrecoverable = effects.unrecoverable
        switch fault {
        case .standby(let s):
            outcome.alwaysCovered = true
            outcome.unprotected = state.incoming(s)
        case .machine(let m):
            outcome.unprotected = state.allJobs.filter { $0.machine != m && state.job($0).standby?.machine == m }
        case .os, .memory, .job:
            break
        }
        outcome.unprotectedMemory = outcome.unprotected.reduce(0) { $0 + state.job($1).memory }
        outcome.receivers = effects.sortedReceivers
        let released = outcome.released
        outcome.pools = count(&outcome.receivers, released: { $0 == fault.machine ? released : 0 }, in: state)
        placeCopies(&outcome.receivers, in: state)
        return outcome
    }

    /// What faults do to the final state, collected fault by fault: the moves,
    /// the bytes each machine's pool gets back, the stopped and unrecoverable
    /// jobs, and the copies each standby owes. A case applies its one fault; a
    /// set of simultaneous faults (`SetRules`) applies each of its faults to
    /// the same collection, so that what they hand over and release adds up.
    struct Effects {
        let state: FinalState
        /// Whether an OS stops in the faults applied: a standby there cannot help.
        let isDown: (OSAddress) -> Bool
        /// The job's action at the case's severity (`job` faults).
        var action: JobFaultAction?
        var moves: [Move] = []
        /// Bytes returned to each machine's pool, by machine position.
        var released: [Int: Int] = [:]
        var stopped: [JobAddress] = []
        var unrecoverable: [Unrecoverable] = []
        /// The receiving standbys in the order the faults first meet them.
        private var receivers: [Receiver] = []
        /// Where each standby is in ``receivers``: a fault with many copies finds
        /// its standby in constant time rather than by a search.
        private var receiverIndex: [OSAddress: Int] = [:]

        init(_ state: FinalState, stopping isDown: @escaping (OSAddress) -> Bool) {
            self.state = state
            self.isDown = isDown
        }

        /// The receiving standbys in document order (so grouped by machine).
        var sortedReceivers: [Receiver] { receivers.sorted { $0.standby < $1.standby } }

        private mutating func release(_ region: Region, _ bytes: Int) {
            guard bytes > 0 else { return }
            moves.append(.release(region, bytes: bytes))
            let machine: Int
            switch region {
            case .own(let o): machine = o.machine
            case .job(let j): machine = j.machine
            }
            released[machine, default: 0] += bytes
        }

        /// Standby `s` owes job `j` a copy; `handed` bytes of the job's region went to it.
        private mutating func receive(_ j: JobAddress, handed: Int, at s: OSAddress) {
            if let r = receiverIndex[s] {
                receivers[r].copies.append(j)
                receivers[r].need += state.job(j).standbyMemory
                receivers[r].handed += handed
            } else {
                receiverIndex[s] = receivers.count
                receivers.append(Receiver(standby: s, copies: [j], need: state.job(j).standbyMemory, handed: handed))
            }
        }

        /// A hot-standby job's readable region goes to its standby when that is
        /// on the same machine (hand-over), else to its own machine's pool
        /// (memory cannot cross machines); either way its standby owes it a
        /// copy. A standby that stopped in these faults cannot help.
        private mutating func route(_ j: JobAddress, readable: Int) {
            guard let s = state.job(j).standby, !isDown(s) else {
                release(.job(j), readable)
                stopped.append(j)
                unrecoverable.append(
                    Unrecoverable(job: j, reason: state.job(j).standby.map { .standbyDown($0) } ?? .noStandby))
                return
            }
            if s.machine == j.machine {
                if readable > 0 { moves.append(.hand(.job(j), bytes: readable, to: s)) }
                receive(j, handed: readable, at: s)
            } else {
                release(.job(j), readable)
                receive(j, handed: 0, at: s)
            }
        }

        /// OS `x` stops; with `lossy` the unreadable part of each of its regions
        /// is cut off first and only the rest moves.
        private mutating func failOS(_ x: OSAddress, lossy: Bool) {
            let os = state.os(x)
            let ownLost = lossy ? unreadable(os.own, machine: x.machine, in: state) : 0
            if ownLost > 0 { moves.append(.cut(.own(x), lost: ownLost)) }
            // Its own area stays with it under `os_area: keep`.
            if state.policies.osArea == .release { release(.own(x), os.own - ownLost) }
            for j in state.jobs(of: x) {
                let job = state.job(j)
                let lost = lossy ? unreadable(job.memory, machine: x.machine, in: state) : 0
                if lost > 0 { moves.append(.cut(.job(j), lost: lost)) }
                if job.hotStandby {
                    route(j, readable: job.memory - lost)
                } else {
                    release(.job(j), job.memory - lost)
                    stopped.append(j)
                }
            }
        }

        /// Machine `m` stops with every OS on it; nothing of it is handed or
        /// released anywhere.
        private mutating func failMachine(_ m: Int) {
            moves.append(.loseMachine(m))
            for j in state.jobs(of: m) {
                let job = state.job(j)
                guard job.hotStandby else {
                    stopped.append(j)
                    continue
                }
                guard let s = job.standby, !isDown(s) else {
                    stopped.append(j)
                    unrecoverable.append(
                        Unrecoverable(job: j, reason: job.standby.map { .standbyDown($0) } ?? .noStandby))
                    continue
                }
                // Nothing of a dead machine is handed anywhere.
                receive(j, handed: 0, at: s)
            }
        }

        /// Applies what `fault` does (the unprotected jobs of a `standby` or
        /// `machine` fault are the caller's: they are findings, not effects).
        mutating func apply(_ fault: Fault) {
            switch fault {
            case .os(let x):
                failOS(x, lossy: false)
            case .memory(let x):
                failOS(x, lossy: true)
            case .job(let j, let severity):
                let job = state.job(j)
                action = job.policy[severity]
                switch job.policy[severity] {
                case .restart:
                    break
                case .stop:
                    moves.append(.merge(j))
                    stopped.append(j)
                    if job.hotStandby { unrecoverable.append(Unrecoverable(job: j, reason: .stoppedByPolicy)) }
                case .failover:
                    // An ordinary job has nowhere to fail over to: it restarts in place.
                    if job.hotStandby { route(j, readable: job.memory) }
                }
            case .standby(let s):
                // Its resident jobs stop with it.
                stopped += state.jobs(of: s)
            case .machine(let m):
                failMachine(m)
            }
        }
    }

    /// Counts receivers (sorted by standby, so grouped by machine) with the
    /// standbys as compiled. Per machine: missing = Σ max(0, need − free −
    /// handed) over its receiving standbys; the pool (unallocated + what the
    /// faults released there) gives min(pool, missing), nothing with `pool:
    /// false`; the rest is the shortfall. The draw goes to the machine's
    /// standbys in document order, each taking what it misses. One pass over
    /// the receivers.
    static func count(_ receivers: inout [Receiver], released: (Int) -> Int, in state: FinalState) -> [Pool] {
        var pools: [Pool] = []
        var first = 0
        while first < receivers.count {
            let machine = receivers[first].standby.machine
            var end = first
            var missing = 0
            while end < receivers.count && receivers[end].standby.machine == machine {
                let free = state.os(receivers[end].standby).free
                receivers[end].free = free
                receivers[end].missing = max(0, receivers[end].need - free - receivers[end].handed)
                missing += receivers[end].missing
                end += 1
            }
            let releasedHere = released(machine)
            let held = state.machines[machine].pool + releasedHere
            let draw = state.policies.pool ? min(held, missing) : 0
            var left = draw
            for r in first..<end {
                receivers[r].drawn = min(receivers[r].missing, left)
                left -= receivers[r].drawn
            }
            pools.append(
                Pool(
                    machine: machine, released: releasedHere, held: held, missing: missing, draw: draw,
                    shortfall: missing - draw))
            first = end
        }
        return pools
    }

    /// Which copies start: each standby starts its copies in document order
    /// from its free memory, what was handed to it and what it drew, skipping
    /// any copy that no longer fits.
    static func placeCopies(_ receivers: inout [Receiver], in state: FinalState) {
        for r in receivers.indices {
            let receiver = receivers[r]
            var available = receiver.free + receiver.handed + receiver.drawn
            var started: [JobAddress] = []
            for j in receiver.copies where state.job(j).standbyMemory <= available {
                available -= state.job(j).standbyMemory
                started.append(j)
            }
            receivers[r].started = started
        }
    }

    /// The pool each machine must hold after start-up, beyond what the fault
    /// releases there, for every copy of the case to start when each receiving
    /// standby has `free[standby]` free memory (0 when missing).
    static func requiredPools(_ outcome: Outcome, free: [OSAddress: Int]) -> [(machine: Int, bytes: Int)] {
        requiredPools(receivers: outcome.receivers, pools: outcome.pools, free: free)
    }

    /// ``requiredPools(_:free:)`` of receivers and their pools (of a case or a set of faults).
    static func requiredPools(
        receivers: [Receiver], pools: [Pool], free: [OSAddress: Int]
    ) -> [(machine: Int, bytes: Int)] {
        pools.map { pool in
            let missing = receivers.filter { $0.standby.machine == pool.machine }.reduce(0) {
                $0 + max(0, $1.need - (free[$1.standby] ?? 0) - $1.handed)
            }
            return (pool.machine, max(0, missing - pool.released))
        }
    }

    /// What covers a shortage on one machine, stated once for a case and for a
    /// set of faults: each short standby's covering allocation (what it holds
    /// plus what it missed, in whole granules) and the least memory of the
    /// machine with which nothing is short on it and the pool after start-up
    /// still holds `reserve`. With `pool: true` the pool grows to the case's
    /// required pool (in whole granules: a pool is one); with `pool: false` the
    /// standbys grow to their covering allocations, and the machine only by
    /// what its pool after start-up cannot give above the reserve. Sums
    /// saturate: the bounds checked at compile time keep them below 2^63−1.
    static func covering(
        memory: Int, pool: Int, reserve: Int, granule: Int, poolPolicy: Bool, requiredPool: Int,
        standbys: [(footprint: Int, missing: Int)]
    ) -> (memory: Int, allocations: [Int]) {
        let g = max(1, granule)
        var allocations: [Int] = []
        var growth = 0
        for s in standbys {
            let allocation: Int = Quantity.roundUp(satAdd(s.footprint, s.missing), to: g) ?? Int.max
            allocations.append(allocation)
            growth = satAdd(growth, allocation - s.footprint)
        }
        let lacking: Int
        if poolPolicy {
            let need: Int = Quantity.roundUp(max(requiredPool, reserve), to: g) ?? Int.max
            lacking = need - pool
        } else {
            lacking = satAdd(growth, reserve) - pool
        }
        return (lacking > 0 ? satAdd(memory, lacking) : memory, allocations)
    }
}

/// Why no memory brings a hot-standby job back, whatever names its standby:
/// an ``OSAddress`` in the rules, a position in the index in the engine.
enum UnrecoverableCause<OS> {
    /// Its standby stops in the same fault.
    case standbyDown(OS)
    /// Its policy stops it at this severity.
    case stoppedByPolicy
    /// Its standby names no OS.
    case noStandby
}

extension UnrecoverableCause: Equatable where OS: Equatable {}
extension UnrecoverableCause: Hashable where OS: Hashable {}
extension UnrecoverableCause: Sendable where OS: Sendable {}
extension UnrecoverableCause: BitwiseCopyable where OS: BitwiseCopyable {}

extension UnrecoverableJob {
    /// The public record of a job no memory brings back, of the rules' case
    /// or set or of the engine's case: `job` is its name, `standby` names the
    /// standby that stopped with it.
    init<OS>(job: String, cause: UnrecoverableCause<OS>, standby: (OS) -> String) {
        switch cause {
        case .standbyDown(let s): self.init(job: job, reason: .standbyDown(standby: standby(s)))
        case .stoppedByPolicy: self.init(job: job, reason: .stoppedByPolicy)
        case .noStandby: self.init(job: job, reason: .noStandby)
        }
    }
}
