// One active OS X on machine M: jobs of the shape added one by one, each
// count checked against the three conditions of docs/headroom.md, on X's
// local state (`LocalState`) changed in place, with the rules of start-up
// (`StartUp`) and of a case (`CaseRules`).
//
// Cost. The n-th job costs O(1) for start-up, O(log cases) for the cases
// that only read M's pool (their slack against what the new jobs took,
// `DependentIndex`), O(1) for M's `machine` case with hot jobs (today's
// outcome plus the new copies, `MachineCaseBase`), O(1) for a new job's `job`
// cases, and one rule evaluation of X's `os` and `memory` cases, O(jobs of X
// + receivers of X), with the new jobs as one block (or, for a `memory` case
// whose cutting is not additive, the block at 0 bytes and the n jobs' part
// added, `memoryCase`). No term grows with n or with the other OSes of M. n
// stops at the first failure, at `max`, and at the start-up bound: each new
// job takes at least its size from X's free memory and M's pool above the
// reserve, so at most N = ⌊(free(X) + pool(M) − reserve(M)) / size⌋ + 1 are
// tried. So an OS costs O(min(max, N) × (jobs(X) + receivers(X) + log
// cases)), and a spec the sum over its actives: at most `max` × the spec's
// size (docs/headroom.md, "Cost"); the index costs one pass over the spec.
// Setting up an OS copies its machine's list of OSes once (O(OSes of M), a
// few words each).

/// The count search for one OS.
struct HeadroomSearch {
    let index: HeadroomIndex
    /// X in the whole spec.
    let os: OSAddress
    let job: NewJob
    /// Steps taken, for the tests that bound the work: one per case looked at,
    /// plus the jobs a simulation of X's cases walks.
    private(set) var work = 0

    init(index: HeadroomIndex, os: OSAddress, job: NewJob) {
        self.index = index
        self.os = os
        self.job = job
    }

    /// The three states a count changes in place (X with its new jobs, with
    /// them as one block, with the block at 0 bytes), kept for every OS of a
    /// machine: each OS's search takes them, changes X and M's pool, and puts
    /// them back as they were. So an OS costs O(its jobs) to set up, where a
    /// fresh copy of the machine's state for each OS cost O(OSes of M): the
    /// square of the actives of one machine in all.
    struct Scratch {
        var states: [LocalState]

        init(_ local: LocalState) { states = [local, local, local] }
    }

    /// The cases not covered today that the new jobs leave shorter: the most
    /// worsened first, at most ``Headroom/worseListed``, and how many.
    typealias Worse = (listed: [WorseCase], count: Int)

    /// ``run(max:scratch:)`` on a scratch of its own.
    mutating func run(max: Int) -> (fits: Int, limit: HeadroomLimit, worse: Worse) {
        var scratch = Scratch(index.locals[os.machine])
        return run(max: max, scratch: &scratch)
    }

    /// The fits and the limit for X with at most `max` jobs tried, and the
    /// cases not covered today that the fitting jobs leave shorter, on
    /// `scratch`, the states of X's machine, which it leaves as it found them.
    mutating func run(max: Int, scratch: inout Scratch) -> (fits: Int, limit: HeadroomLimit, worse: Worse) {
        let m = os.machine
        let full = index.full
        let machineName = full.machines[m].name
        let osName = full.os(os).name
        let standby = index.osStandbys[m][os.os]
        if job.hotStandby && standby == nil { return (0, .noStandby, ([], 0)) }
        // The new jobs' sizes, rounded up to M's granule as the spec's are. A
        // size that no granule multiple can hold is larger than any machine,
        // so it fails to start as it is.
        let granule = full.machines[m].granule
        let memory = Quantity.roundUp(job.memory, to: granule) ?? job.memory
        let copy = Quantity.roundUp(job.standbyMemory, to: granule) ?? job.standbyMemory

        // Taken out of the scratch, so that each is changed in place (no other
        // reference to its storage), and put back as found.
        var local = scratch.states[0]
        var block = scratch.states[1]
        var zero = scratch.states[2]
        scratch.states = []
        let home = local.home
        let savedOS = local.state.machines[home].oses[os.os]
        let savedPool = local.state.machines[home].pool
        defer {
            local.state.machines[home].oses[os.os] = savedOS
            local.state.machines[home].pool = savedPool
            block.state.machines[home].oses[os.os] = savedOS
            block.state.machines[home].pool = savedPool
            zero.state.machines[home].oses[os.os] = savedOS
            zero.state.machines[home].pool = savedPool
            scratch.states = [local, block, zero]
        }
        let x = OSAddress(machine: home, os: os.os)
        let existing = local.state.os(x).jobs.count
        let margins = index.margins[m]
        let kernel = local.state.os(x).kernel
        var own = local.state.os(x).own
        let finalPool = local.state.machines[home].pool
        let poolAfterX = margins.poolAfter[os.os]
        var taken = 0
        var copies = index.outgoingCopies[m]
        let kinds = Set(index.kinds)
        let dependents = index.dependents[m]
        let ownCases: Set<CaseKey> = [CaseKey(.os(os)), CaseKey(.memory(os))]
        let localStandby = standby.flatMap { s in local.local(s.machine).map { OSAddress(machine: $0, os: s.os) } }
        block.state.machines[home].oses[os.os].jobs.append(
            FinalState.Job(
                name: Headroom.newJobName(1), memory: 0, standbyMemory: 0, hotStandby: job.hotStandby,
                policy: full.policies.jobFault, standby: job.hotStandby ? localStandby : nil))
        // The block at 0 bytes, for a `memory` case whose cutting is not additive (``memoryCase``).
        zero.state.machines[home].oses[os.os].jobs.append(
            FinalState.Job(
                name: Headroom.newJobName(1), memory: 0, standbyMemory: 0, hotStandby: job.hotStandby,
                policy: full.policies.jobFault, standby: job.hotStandby ? localStandby : nil))

        // What the last count that fits left: X's own region and what the jobs took from M's pool.
        var fitOwn = own
        var fitTaken = 0
        var result: (fits: Int, limit: HeadroomLimit) = (0, .max)
        counting: for n in 1...Swift.max(1, max) where max > 0 {
            // 1. Start-up: the new job after X's jobs, then the later OSes' jobs.
            switch StartUp.step(job: memory, own: own, kernel: kernel, pool: poolAfterX - taken, reserve: margins.reserve)
            {
            case .cannotStart(let needed, let available):
                result = (n - 1, .start(machine: machineName, os: osName, job: Headroom.newJobName(n), needed: needed, available: available))
                break counting
            case .start(let expansion):
                var pool = poolAfterX - taken
                StartUp.apply(expansion: expansion, job: memory, own: &own, pool: &pool)
                taken += expansion
            }
            if taken > margins.laterMargin[os.os],
                let failing = margins.firstFailing(after: os.os, taken: taken)
            {
                let spec = index.compiled.machines[m].machine
                result = (
                    n - 1,
                    .start(
                        machine: machineName, os: spec.oses[failing.os].name,
                        job: spec.oses[failing.os].jobs[failing.job].name, needed: failing.needed,
                        available: failing.available)
                )
                break counting
            }
            if job.hotStandby {
                let (sum, overflow) = copies.addingReportingOverflow(copy)
                if overflow {
                    result = (n - 1, .tooLarge)
                    break counting
                }
                copies = sum
            }
            // The state with n jobs: X's own region, its jobs, M's pool.
            local.state.machines[home].oses[os.os].own = own
            local.state.machines[home].pool = finalPool - taken
            local.state.machines[home].oses[os.os].jobs.append(
                FinalState.Job(
                    name: Headroom.newJobName(n), memory: memory, standbyMemory: copy, hotStandby: job.hotStandby,
                    policy: full.policies.jobFault,
                    standby: job.hotStandby ? localStandby : nil))
            // The same state with the n new jobs as one block job `+1` of n
            // times their sizes (n × copy fits: checked above; n × memory came
            // out of M). In `os` and `machine` cases a job's region moves, or
            // its copy is owed, whole: only the sums of the jobs' sizes count
            // towards coverage and shortfall, and the first job no memory
            // brings back is `+1` either way — so X's cases cost O(jobs of X)
            // a count, not O(jobs of X + n). A `memory` case cuts each region
            // apart, so it reads the block only when cutting n regions
            // loses what cutting the block does.
            block.state.machines[home].oses[os.os].own = own
            block.state.machines[home].pool = finalPool - taken
            block.state.machines[home].oses[os.os].jobs[existing].memory = n * memory
            block.state.machines[home].oses[os.os].jobs[existing].standbyMemory = job.hotStandby ? n * copy : 0
            zero.state.machines[home].oses[os.os].own = own
            zero.state.machines[home].pool = finalPool - taken
            let additive =
                CaseRules.unreadable(n * memory, machine: home, in: block.state)
                == n * CaseRules.unreadable(memory, machine: home, in: block.state)

            // 2 and 3. The first case, in the plan's order, that must be covered and is not.
            var first: Candidate?
            func consider(_ candidate: Candidate) {
                if first.map({ candidate.key < $0.key }) ?? true { first = candidate }
            }
            // Cases that read only M's pool: covered while their slack holds.
            // The first of those about to fail, found in O(log cases).
            work += 1
            if let d = dependents.firstFailing(taken: taken, excluding: ownCases) {
                // The slack says it fails; the rules say how, on its own local state.
                var around = index.locals[d.fault.machine]
                if let lm = around.local(m) { around.state.machines[lm].pool -= taken }
                if let fault = around.localFault(d.fault) {
                    let outcome = CaseRules.outcome(of: fault, in: around.state)
                    work += 1
                    if !outcome.covered {
                        consider(Candidate(d.key, limit: uncovered(outcome, newCase: false, today: true, in: around.state)))
                    }
                }
            }
            // X's own cases: its jobs changed. Those a hot new job needs must be
            // covered; the others only if they are today.
            for kind in [FaultKind.os, .memory, .machine] where kinds.contains(kind) {
                if kind == .machine && !job.hotStandby { continue }
                let fault: Fault = kind == .os ? .os(x) : kind == .memory ? .memory(x) : .machine(home)
                let key = CaseKey(local.globalFault(fault))
                let needed = job.hotStandby
                let today = index.coveredToday.contains(key)
                guard needed || today else { continue }
                switch kind {
                case .machine:
                    // Today's `machine` case of M plus the n copies: O(1).
                    work += 1
                    if let limit = machineCase(n: n, copy: copy, standby: localStandby, x: x, existing: existing, in: local.state) {
                        consider(Candidate(key, limit: limit(needed, today)))
                    }
                case .memory where !additive:
                    work += local.state.os(x).jobs.count - n + 1
                    let outcome = memoryCase(n: n, memory: memory, copy: copy, x: x, in: zero.state)
                    if !outcome.covered {
                        consider(Candidate(key, limit: uncovered(outcome, newCase: needed, today: today, in: zero.state)))
                    }
                default:
                    work += block.state.os(x).jobs.count
                    let outcome = CaseRules.outcome(of: fault, in: block.state)
                    if !outcome.covered {
                        consider(Candidate(key, limit: uncovered(outcome, newCase: needed, today: today, in: block.state)))
                    }
                }
            }
            // The new jobs' own `job` cases: all alike, so the first one stands for them.
            if kinds.contains(.job) {
                for severity in Severity.allCases {
                    let fault = Fault.job(JobAddress(machine: home, os: os.os, job: existing), severity)
                    work += 1
                    let outcome = CaseRules.outcome(of: fault, in: local.state)
                    if !outcome.covered {
                        consider(
                            Candidate(
                                CaseKey(local.globalFault(fault)),
                                limit: uncovered(outcome, newCase: true, today: nil, in: local.state)))
                    }
                }
            }
            if let first {
                result = (n - 1, first.limit)
                break counting
            }
            fitOwn = own
            fitTaken = taken
            if n == max {
                result = (max, .max)
                break counting
            }
        }
        guard result.fits > 0 else { return (result.fits, result.limit, ([], 0)) }
        // The counts are done: X as it is today, then with the jobs that fit.
        local.state.machines[home].oses[os.os] = savedOS
        local.state.machines[home].pool = savedPool
        let worse = worsened(
            fits: result.fits, memory: memory, copy: copy, own: fitOwn, taken: fitTaken, standby: localStandby,
            local: &local)
        return (result.fits, result.limit, worse)
    }

    /// The cases not covered today that `fits` new jobs leave shorter (they
    /// do not stop the count: docs/headroom.md). They are the cases that
    /// draw on M's pool, which the jobs lowered by `taken` (each shorter by
    /// what its draw there loses, from the index: O(listed + log)), and X's
    /// own `os` and `memory` cases, simulated by the rules today and with
    /// the jobs (O(jobs of X + fits), once per OS). A hot job's own cases are
    /// covered with the jobs that fit, so only ordinary jobs can leave X's
    /// cases shorter. `local` holds X as it is today and is left with the
    /// jobs added (the caller puts it back).
    mutating func worsened(
        fits: Int, memory: Int, copy: Int, own: Int, taken: Int, standby: OSAddress?, local: inout LocalState
    ) -> Worse {
        let home = local.home
        let full = index.full
        var found: [(worse: WorseCase, key: CaseKey)] = []
        var count = 0
        // X's own cases first: they are not read from the index.
        let ownKeys: Set<CaseKey> = [CaseKey(.os(os)), CaseKey(.memory(os))]
        if !job.hotStandby {
            let x = OSAddress(machine: home, os: os.os)
            let faults = [Fault.os(x), .memory(x)].filter { index.kinds.contains($0.kind) }
            let today = faults.map { CaseRules.outcome(of: $0, in: local.state) }
            local.state.machines[home].oses[os.os].own = own
            local.state.machines[home].pool -= taken
            for n in 1...fits {
                local.state.machines[home].oses[os.os].jobs.append(
                    FinalState.Job(
                        name: Headroom.newJobName(n), memory: memory, standbyMemory: copy, hotStandby: false,
                        policy: full.policies.jobFault, standby: nil))
            }
            work += 2 * local.state.os(x).jobs.count
            for (fault, before) in zip(faults, today) where !before.covered {
                let after = CaseRules.outcome(of: fault, in: local.state)
                guard after.shortfall > before.shortfall else { continue }
                count += 1
                found.append(
                    (WorseCase(id: full.caseID(of: local.globalFault(fault)), shortfallToday: before.shortfall,
                               shortfall: after.shortfall), CaseKey(local.globalFault(fault))))
            }
        }
        // The others, from the index: sorted by the pool's slack (0 for those
        // short there today), so those the jobs leave shorter are a prefix,
        // the most worsened first. X's own cases there are not counted twice.
        let worse = index.uncoveredDependents[os.machine]
        let prefix = worse.prefix(taken: taken)
        count += prefix - ownKeys.filter { worse.position[$0].map { $0 < prefix } ?? false }.count
        var listed = 0
        for d in worse.dependents[..<prefix] where !ownKeys.contains(d.key) {
            // Enough to fill the list whatever X's own cases are.
            guard listed < Headroom.worseListed else { break }
            work += 1
            listed += 1
            let more = taken - Swift.max(d.slack, 0)
            found.append(
                (WorseCase(id: full.caseID(of: d.fault), shortfallToday: d.shortfall, shortfall: d.shortfall + more), d.key))
        }
        let sorted = found.sorted { a, b in
            let (ma, mb) = (a.worse.shortfall - a.worse.shortfallToday, b.worse.shortfall - b.worse.shortfallToday)
            return ma != mb ? ma > mb : a.key < b.key
        }
        return (Array(sorted.prefix(Headroom.worseListed).map(\.worse)), count)
    }

    /// A case that is not covered, with its place in the plan's order.
    struct Candidate {
        var key: CaseKey
        var limit: HeadroomLimit
        init(_ key: CaseKey, limit: HeadroomLimit) {
            self.key = key
            self.limit = limit
        }
    }

    /// The limit for a case that is not covered, names as its plan would show
    /// them. Of the jobs no memory brings back, a new one is named first: it
    /// is what stops the count (the others are lost today too).
    func uncovered(_ outcome: CaseRules.Outcome, newCase: Bool, today: Bool?, in state: FinalState) -> HeadroomLimit {
        let lost =
            outcome.unrecoverable.first { Headroom.isNewJob(state.job($0.job).name) } ?? outcome.unrecoverable.first
        return .uncovered(
            id: state.caseID(of: outcome.fault),
            newCase: newCase, coveredToday: today,
            shortOn: outcome.pools.first { $0.shortfall > 0 }.map { state.machines[$0.machine].name },
            shortfall: outcome.shortfall,
            unrecoverable: lost.map { FigureRules.unrecoverableJob($0, from: outcome.fault.machine, in: state) })
    }

    /// X's `memory` case with n new jobs whose cutting is not additive (the
    /// block job would lose less than n jobs cut apart): simulated by the rules
    /// with the block job at 0 bytes (it still names X's standby as a
    /// receiver), then the n jobs' part added as `CaseRules.Effects` does for
    /// each job — its unreadable part cut off, the readable rest handed to
    /// its standby on the same machine or released to the pool, its copy owed —
    /// and the pools counted again by the rules (`CaseRules.count`). O(jobs of
    /// X + receivers) whatever n, where simulating the n jobs apart cost O(n):
    /// O(max²) per OS in all.
    func memoryCase(n: Int, memory: Int, copy: Int, x: OSAddress, in state: FinalState) -> CaseRules.Outcome {
        let existing = state.os(x).jobs.count - 1
        var outcome = CaseRules.outcome(of: .memory(x), in: state)
        // Each new job's part, n times: sizes ≤ what the n jobs took from M.
        let readable = n * (memory - CaseRules.unreadable(memory, machine: x.machine, in: state))
        var released = outcome.released
        let newJob = state.job(JobAddress(machine: x.machine, os: x.os, job: existing))
        if job.hotStandby, let s = newJob.standby,
            let r = outcome.receivers.firstIndex(where: { $0.standby == s })
        {
            outcome.receivers[r].need += n * copy
            if s.machine == x.machine { outcome.receivers[r].handed += readable } else { released += readable }
        } else {
            released += readable
        }
        outcome.released = released
        outcome.pools = CaseRules.count(&outcome.receivers, released: { $0 == x.machine ? released : 0 }, in: state)
        return outcome
    }

    /// M's `machine` case with n new hot-standby jobs on X, from today's
    /// (``MachineCaseBase``) in O(1): `nil` when covered, else the limit
    /// (given whether the case is a new job's and whether it is covered today).
    /// The pool of the new copies' standby is counted again as
    /// `CaseRules.count` does: missing = Σ max(0, need − free − handed) over
    /// its receiving standbys, draw = min(held, missing) (0 with `pool:
    /// false`), shortfall = missing − draw.
    func machineCase(
        n: Int, copy: Int, standby s: OSAddress?, x: OSAddress, existing: Int, in state: FinalState
    ) -> ((Bool, Bool) -> HeadroomLimit)? {
        let home = x.machine
        guard let base = index.machineCases[os.machine] else { return nil }
        let outcome = base.outcome
        let caseID = state.caseID(of: .machine(home))
        func limit(shortOn: Int?, shortfall: Int, unrecoverable: UnrecoverableJob?) -> (Bool, Bool) -> HeadroomLimit {
            { newCase, today in
                .uncovered(
                    id: caseID, newCase: newCase, coveredToday: today,
                    shortOn: shortOn.map { state.machines[$0].name }, shortfall: shortfall,
                    unrecoverable: unrecoverable)
            }
        }
        let baseShortOn = base.shortPools.first.map { outcome.pools[$0].machine }
        let baseUnrecoverable = outcome.unrecoverable.first.map { FigureRules.unrecoverableJob($0, from: home, in: state) }
        // A copy whose standby is on M (or missing) dies with it: the first new
        // job is lost, and named, since it is what stops the count.
        guard let s, s.machine != home else {
            let newJob = CaseRules.Unrecoverable(
                job: JobAddress(machine: home, os: x.os, job: existing), reason: s.map { .standbyDown($0) } ?? .noStandby)
            return limit(shortOn: baseShortOn, shortfall: outcome.shortfall, unrecoverable: FigureRules.unrecoverableJob(newJob, from: home, in: state))
        }
        let receiver = base.receiverAt[s].map { outcome.receivers[$0] }
        let need = (receiver?.need ?? 0) + n * copy
        let free = state.os(s).free
        let handed = receiver?.handed ?? 0
        let missingBefore = receiver?.missing ?? 0
        let missingAfter = max(0, need - free - handed)
        let p = base.poolAt[s.machine]
        let pool = p.map { outcome.pools[$0] }
        let held = pool?.held ?? state.machines[s.machine].pool
        let missing = (pool?.missing ?? 0) - missingBefore + missingAfter
        let draw = state.policies.pool ? min(held, missing) : 0
        let shortfallHere = missing - draw
        let shortfall = outcome.shortfall - (pool?.shortfall ?? 0) + shortfallHere
        guard shortfall > 0 || baseUnrecoverable != nil else { return nil }
        // The first short pool in machine order: today's others, and this one if short now.
        var shortOn = base.shortPools.map { outcome.pools[$0].machine }.first { $0 != s.machine }
        if shortfallHere > 0 { shortOn = shortOn.map { min($0, s.machine) } ?? s.machine }
        return limit(shortOn: shortOn, shortfall: shortfall, unrecoverable: baseUnrecoverable)
    }
}
