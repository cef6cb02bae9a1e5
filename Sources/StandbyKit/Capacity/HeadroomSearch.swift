// One active OS X on machine M: jobs of the shape added one by one, each
// count checked against the three conditions of docs/headroom.md, on X's
// local state (`LocalState`) changed in place, with the rules of start-up
// (`StartUp`) and of a case (`CaseRules`).
//
// Cost. The n-th job costs O(1) for start-up and for the cases that only
// read M's pool (their slack against what the new jobs took), plus one rule
// evaluation of X's `os` and `memory` cases, O(jobs of X) with the new jobs
// as one block (O(jobs of X + n) for a `memory` case whose cutting is not
// additive), of M's `machine` case for hot jobs, O(jobs of M), and of a new
// job's `job` cases, O(1). n stops at the first failure, at `max`, and at the
// start-up bound: each new job takes at least its size from X's free memory
// and M's pool above the reserve, so at most
// N = ⌊(free(X) + pool(M) − reserve(M)) / size⌋ + 1 are tried. So an OS
// costs ≈ min(max, N) × (jobs(X) + jobs(M)), and a spec Σ over its actives
// (docs/headroom.md, "Cost"); the index costs one pass over the spec.

/// The count search for one OS.
struct HeadroomSearch {
    let index: HeadroomIndex
    /// X in the whole spec.
    let os: OSAddress
    let job: NewJob

    init(index: HeadroomIndex, os: OSAddress, job: NewJob) {
        self.index = index
        self.os = os
        self.job = job
    }

    /// The fits and the limit for X with at most `max` jobs tried.
    mutating func run(max: Int) -> (fits: Int, limit: HeadroomLimit) {
        let m = os.machine
        let full = index.full
        let machineName = full.machines[m].name
        let osName = full.os(os).name
        let standby = index.osStandbys[m][os.os]
        if job.hotStandby && standby == nil { return (0, .noStandby) }
        // The new jobs' sizes, rounded up to M's granule as the spec's are. A
        // size that no granule multiple can hold is larger than any machine,
        // so it fails to start as it is.
        let granule = full.machines[m].granule
        let memory = Quantity.roundUp(job.memory, to: granule) ?? job.memory
        let copy = Quantity.roundUp(job.standbyMemory, to: granule) ?? job.standbyMemory

        var local = index.locals[m]
        let home = local.home
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
        var block = local
        block.state.machines[home].oses[os.os].jobs.append(
            FinalState.Job(
                name: Headroom.newJobName(1), memory: 0, standbyMemory: 0, hotStandby: job.hotStandby,
                policy: full.policies.jobFault, standby: job.hotStandby ? localStandby : nil))

        for n in 1...Swift.max(1, max) where max > 0 {
            // 1. Start-up: the new job after X's jobs, then the later OSes' jobs.
            switch StartUp.step(job: memory, own: own, kernel: kernel, pool: poolAfterX - taken, reserve: margins.reserve)
            {
            case .cannotStart(let needed, let available):
                return (n - 1, .start(machine: machineName, os: osName, job: Headroom.newJobName(n), needed: needed, available: available))
            case .start(let expansion):
                var pool = poolAfterX - taken
                StartUp.apply(expansion: expansion, job: memory, own: &own, pool: &pool)
                taken += expansion
            }
            if taken > margins.laterMargin[os.os],
                let failing = margins.firstFailing(after: os.os, taken: taken)
            {
                let spec = index.compiled.machines[m].machine
                return (
                    n - 1,
                    .start(
                        machine: machineName, os: spec.oses[failing.os].name,
                        job: spec.oses[failing.os].jobs[failing.job].name, needed: failing.needed,
                        available: failing.available)
                )
            }
            if job.hotStandby {
                let (sum, overflow) = copies.addingReportingOverflow(copy)
                if overflow { return (n - 1, .tooLarge) }
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
            let additive =
                CaseRules.unreadable(n * memory, machine: home, in: block.state)
                == n * CaseRules.unreadable(memory, machine: home, in: block.state)

            // 2 and 3. The first case, in the plan's order, that must be covered and is not.
            var first: (key: CaseKey, outcome: CaseRules.Outcome, newCase: Bool, today: Bool?, in: LocalState)?
            func consider(
                _ key: CaseKey, _ outcome: CaseRules.Outcome, newCase: Bool, today: Bool?, in state: LocalState
            ) {
                if !outcome.covered, first.map({ key < $0.key }) ?? true { first = (key, outcome, newCase, today, state) }
            }
            // Cases that read only M's pool: covered while their slack holds.
            // Sorted by slack, so only those about to fail are looked at.
            var failing: PoolDependent?
            for d in dependents {
                guard d.slack < taken else { break }
                if ownCases.contains(d.key) { continue }
                if failing.map({ d.key < $0.key }) ?? true { failing = d }
            }
            if let d = failing {
                // The slack says it fails; the rules say how, on its own local state.
                var around = index.locals[d.fault.machine]
                if let lm = around.local(m) { around.state.machines[lm].pool -= taken }
                if let fault = around.localFault(d.fault) {
                    consider(d.key, CaseRules.outcome(of: fault, in: around.state), newCase: false, today: true, in: around)
                }
            }
            // X's own cases: its jobs changed. Those a hot new job needs must be
            // covered; the others only if they are today.
            var ownFaults: [Fault] = []
            if kinds.contains(.os) { ownFaults.append(.os(x)) }
            if kinds.contains(.memory) { ownFaults.append(.memory(x)) }
            if kinds.contains(.machine) && job.hotStandby { ownFaults.append(.machine(home)) }
            for fault in ownFaults {
                let key = CaseKey(local.globalFault(fault))
                let needed = job.hotStandby
                let today = index.coveredToday.contains(key)
                guard needed || today else { continue }
                let on = fault.kind == .memory && !additive ? local : block
                consider(key, CaseRules.outcome(of: fault, in: on.state), newCase: needed, today: today, in: on)
            }
            // The new jobs' own `job` cases: all alike, so the first one stands for them.
            if kinds.contains(.job) {
                for severity in Severity.allCases {
                    let fault = Fault.job(JobAddress(machine: home, os: os.os, job: existing), severity)
                    consider(
                        CaseKey(local.globalFault(fault)), CaseRules.outcome(of: fault, in: local.state),
                        newCase: true, today: nil, in: local)
                }
            }
            if let first {
                return (n - 1, uncovered(first.outcome, newCase: first.newCase, today: first.today, in: first.in.state))
            }
            if n == max { return (max, .max) }
        }
        return (0, .max)
    }

    /// The limit for a case that is not covered, names as its plan would show them.
    func uncovered(_ outcome: CaseRules.Outcome, newCase: Bool, today: Bool?, in state: FinalState) -> HeadroomLimit {
        .uncovered(
            id: state.caseID(of: outcome.fault),
            newCase: newCase, coveredToday: today,
            shortOn: outcome.pools.first { $0.shortfall > 0 }.map { state.machines[$0.machine].name },
            shortfall: outcome.shortfall,
            unrecoverable: outcome.unrecoverable.first.map { state.name($0.job, from: outcome.fault.machine) })
    }
}
