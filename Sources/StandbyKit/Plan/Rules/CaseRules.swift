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
    enum Reason: Hashable, Sendable {
        /// Its standby stops in the same fault.
        case standbyDown(OSAddress)
        /// Its policy stops it at this severity.
        case stoppedByPolicy
        /// Its standby names no OS.
        case noStandby
    }

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
        var outcome = Outcome(fault: fault)
        let m = fault.machine

        func release(_ region: Region, _ bytes: Int) {
            guard bytes > 0 else { return }
            outcome.moves.append(.release(region, bytes: bytes))
            outcome.released += bytes
        }
        /// Standby `s` owes job `j` a copy; `handed` bytes of the job's region went to it.
        func receive(_ j: JobAddress, handed: Int, at s: OSAddress) {
            if let r = outcome.receivers.firstIndex(where: { $0.standby == s }) {
                outcome.receivers[r].copies.append(j)
                outcome.receivers[r].need += state.job(j).standbyMemory
                outcome.receivers[r].handed += handed
            } else {
                outcome.receivers.append(
                    Receiver(standby: s, copies: [j], need: state.job(j).standbyMemory, handed: handed))
            }
        }
        /// A hot-standby job's readable region goes to its standby when that is
        /// on the same machine (hand-over), else to this machine's pool (memory
        /// cannot cross machines); either way its standby owes it a copy. `down`
        /// is an OS that stopped in this fault: a standby there cannot help.
        func route(_ j: JobAddress, readable: Int, down: OSAddress?) {
            guard let s = state.job(j).standby, s != down else {
                release(.job(j), readable)
                outcome.stopped.append(j)
                outcome.unrecoverable.append(
                    Unrecoverable(job: j, reason: state.job(j).standby.map { .standbyDown($0) } ?? .noStandby))
                return
            }
            if s.machine == m {
                if readable > 0 { outcome.moves.append(.hand(.job(j), bytes: readable, to: s)) }
                receive(j, handed: readable, at: s)
            } else {
                release(.job(j), readable)
                receive(j, handed: 0, at: s)
            }
        }
        /// OS `x` stops; with `lossy` the unreadable part of each of its regions
        /// is cut off first and only the rest moves.
        func failOS(_ x: OSAddress, lossy: Bool) {
            let os = state.os(x)
            let ownLost = lossy ? unreadable(os.own, machine: m, in: state) : 0
            if ownLost > 0 { outcome.moves.append(.cut(.own(x), lost: ownLost)) }
            // Its own area stays with it under `os_area: keep`.
            if state.policies.osArea == .release { release(.own(x), os.own - ownLost) }
            for j in state.jobs(of: x) {
                let job = state.job(j)
                let lost = lossy ? unreadable(job.memory, machine: m, in: state) : 0
                if lost > 0 { outcome.moves.append(.cut(.job(j), lost: lost)) }
                if job.hotStandby {
                    route(j, readable: job.memory - lost, down: x)
                } else {
                    release(.job(j), job.memory - lost)
                    outcome.stopped.append(j)
                }
            }
        }

        switch fault {
        case .os(let x):
            failOS(x, lossy: false)
        case .memory(let x):
            failOS(x, lossy: true)
        case .job(let j, let severity):
            let job = state.job(j)
            outcome.action = job.policy[severity]
            switch job.policy[severity] {
            case .restart:
                break
            case .stop:
                outcome.moves.append(.merge(j))
                outcome.stopped.append(j)
                if job.hotStandby { outcome.unrecoverable.append(Unrecoverable(job: j, reason: .stoppedByPolicy)) }
            case .failover:
                // An ordinary job has nowhere to fail over to: it restarts in place.
                if job.hotStandby { route(j, readable: job.memory, down: nil) }
            }
        case .standby(let s):
            outcome.alwaysCovered = true
            outcome.unprotected = state.incoming(s)
            // Its resident jobs stop with it.
            outcome.stopped = state.jobs(of: s)
        case .machine:
            outcome.moves.append(.loseMachine(m))
            for j in state.jobs(of: m) {
                let job = state.job(j)
                guard job.hotStandby else {
                    outcome.stopped.append(j)
                    continue
                }
                guard let s = job.standby, s.machine != m else {
                    outcome.stopped.append(j)
                    outcome.unrecoverable.append(
                        Unrecoverable(job: j, reason: job.standby.map { .standbyDown($0) } ?? .noStandby))
                    continue
                }
                // Nothing of a dead machine is handed anywhere.
                receive(j, handed: 0, at: s)
            }
            outcome.unprotected = state.allJobs.filter { $0.machine != m && state.job($0).standby?.machine == m }
        }
        outcome.unprotectedMemory = outcome.unprotected.reduce(0) { $0 + state.job($1).memory }
        outcome.receivers.sort { $0.standby < $1.standby }
        count(&outcome, in: state)
        placeCopies(&outcome, in: state)
        return outcome
    }

    /// Counts the case with the standbys as compiled. Per machine: missing =
    /// Σ max(0, need − free − handed) over its receiving standbys; the pool
    /// (unallocated + what the fault released there) gives min(pool, missing),
    /// nothing with `pool: false`; the rest is the shortfall. The draw goes to
    /// the machine's standbys in document order, each taking what it misses.
    static func count(_ outcome: inout Outcome, in state: FinalState) {
        var pools: [Pool] = []
        for machine in Array(Set(outcome.receivers.map(\.standby.machine))).sorted() {
            let indices = outcome.receivers.indices.filter { outcome.receivers[$0].standby.machine == machine }
            var missing = 0
            for r in indices {
                let receiver = outcome.receivers[r]
                let free = state.os(receiver.standby).free
                outcome.receivers[r].free = free
                outcome.receivers[r].missing = max(0, receiver.need - free - receiver.handed)
                missing += outcome.receivers[r].missing
            }
            // A fault releases memory on its own machine only.
            let released = machine == outcome.fault.machine ? outcome.released : 0
            let held = state.machines[machine].pool + released
            let draw = state.policies.pool ? min(held, missing) : 0
            var left = draw
            for r in indices {
                outcome.receivers[r].drawn = min(outcome.receivers[r].missing, left)
                left -= outcome.receivers[r].drawn
            }
            pools.append(
                Pool(
                    machine: machine, released: released, held: held, missing: missing, draw: draw,
                    shortfall: missing - draw))
        }
        outcome.pools = pools
    }

    /// Which copies start: each standby starts its copies in document order
    /// from its free memory, what was handed to it and what it drew, skipping
    /// any copy that no longer fits.
    static func placeCopies(_ outcome: inout Outcome, in state: FinalState) {
        for r in outcome.receivers.indices {
            let receiver = outcome.receivers[r]
            var available = receiver.free + receiver.handed + receiver.drawn
            var started: [JobAddress] = []
            for j in receiver.copies where state.job(j).standbyMemory <= available {
                available -= state.job(j).standbyMemory
                started.append(j)
            }
            outcome.receivers[r].started = started
        }
    }

    /// The pool each machine must hold after start-up, beyond what the fault
    /// releases there, for every copy of the case to start when each receiving
    /// standby has `free[standby]` free memory (0 when missing).
    static func requiredPools(_ outcome: Outcome, free: [OSAddress: Int]) -> [(machine: Int, bytes: Int)] {
        outcome.pools.map { pool in
            let missing = outcome.receivers.filter { $0.standby.machine == pool.machine }.reduce(0) {
                $0 + max(0, $1.need - (free[$1.standby] ?? 0) - $1.handed)
            }
            return (pool.machine, max(0, missing - pool.released))
        }
    }
}
