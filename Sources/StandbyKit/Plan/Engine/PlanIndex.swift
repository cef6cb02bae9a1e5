// The engine's index of the final state of start-up. Restates, for speed,
// FinalState (Plan/Rules/FinalState.swift): its machines, OSes and started
// jobs, each job's resolved standby and the names relative to a machine
// (FinalState.name), as flat records numbered across the spec; and
// CaseRules.unreadable, the part of a region a memory fault loses
// (lostPart). EngineMatchesRulesTests checks on random specs that the
// engine's plans and moves equal the rules'.

/// A machine of the planner's index, with the OSes and jobs it holds.
struct MachineRecord: Sendable, Equatable {
    /// Its OSes, as positions in ``PlanIndex/oses`` (document order).
    var oses: Range<Int32>
    /// The jobs that started on it, as positions in ``PlanIndex/jobs``.
    var jobs: Range<Int32>
    /// The pool after start-up: the `unallocated` region of the final table.
    var pool: Int
    var granule: Int
}

/// An OS of the planner's index.
struct OSRecord: Sendable, Equatable {
    /// Its machine, as a position in ``PlanIndex/machines``.
    var machine: Int32
    /// Its position among its machine's OSes (``Machine/oses``).
    var local: Int32
    var role: OSRole
    /// Its own region after start-up.
    var own: Int
    var kernel: Int
    /// Σ regions of the jobs that run on it.
    var resident: Int
    /// The jobs that started on it, in start order, as positions in ``PlanIndex/jobs``.
    var jobs: Range<Int32>
    /// The hot-standby jobs that fail over to it, in document order, as
    /// positions in ``PlanIndex/incomingJobs``.
    var incoming: Range<Int32>
}

extension OSRecord: OSRegions {}

/// A started job: what the planner needs of it, and no more (a fleet has
/// hundreds of thousands). Its name stays in the spec: ``PlanIndex/jobName(_:)``.
struct JobRecord: Sendable, Equatable {
    var memory: Int
    var standbyMemory: Int
    /// Its OS, as a position in ``PlanIndex/oses``.
    var os: Int32
    /// Where its copy starts (a position in ``PlanIndex/oses``); −1 for an
    /// ordinary job or a standby that names no OS of the spec.
    var target: Int32
    /// Its position in its OS's ``OS/jobs``.
    var specIndex: Int32
    var hotStandby: Bool
    var policy: JobFaultPolicy

    var hasTarget: Bool { target >= 0 }
}

/// Everything the planner looks up, computed once from the compiled spec in one
/// pass and kept flat: machines, OSes and jobs each numbered across the whole
/// spec in document order (so comparing two numbers compares document order),
/// per OS its jobs, per standby the jobs that fail over to it. Cases then touch
/// only what they move.
struct PlanIndex: Sendable {
    let compiled: CompiledSpec
    let policies: Policies
    /// Machine name → position (the first machine of that name, as `StandbyResolver`).
    let machineIndex: [String: Int]
    let machines: [MachineRecord]
    let oses: [OSRecord]
    let jobs: [JobRecord]
    /// Per OS receiving copies, its ``OSRecord/incoming`` range: job positions.
    let incomingJobs: [Int32]

    init(_ compiled: CompiledSpec) {
        self.init(compiled, threads: parallelThreads(for: compiled.spec))
    }

    /// The same index, built machine by machine on `threads` threads: each
    /// takes a run of machines, and the runs' records are joined in order.
    init(_ compiled: CompiledSpec, threads: Int) {
        self.compiled = compiled
        self.policies = compiled.spec.policies
        let cms = compiled.machines
        let machineIndex = StandbyResolver.machineIndex(of: cms.lazy.map(\.name))
        let runs = runs(of: cms.count, threads: threads)

        // Positions are numbered across the spec: a machine's OSes start after
        // those of the machines before it.
        var osBase: [Int] = []
        osBase.reserveCapacity(cms.count + 1)
        var osCount = 0
        for cm in cms {
            osBase.append(osCount)
            osCount += cm.machine.oses.count
        }
        osBase.append(osCount)

        // OSes first: a job's standby may be on a later machine. Per machine,
        // its OS records, its OS names, and the jobs that started on each OS.
        let perMachine = parallel(runs.count) { t in
            runs[t].map { m in
                let cm = cms[m]
                let own = Self.ownRegions(cm)
                // As `StandbyResolver`: the first OS of a name; positions across the spec.
                let names = StandbyResolver.osIndex(of: cm.machine).mapValues { Self.position(osBase[m] + $0) }
                var oses: [OSRecord] = []
                oses.reserveCapacity(cm.machine.oses.count)
                for (o, os) in cm.machine.oses.enumerated() {
                    oses.append(
                        OSRecord(
                            machine: Self.position(m), local: Self.position(o), role: os.role, own: own.sizes[o],
                            kernel: os.kernel, resident: 0, jobs: 0..<0, incoming: 0..<0))
                }
                return (oses: oses, names: names, pool: own.pool, started: Self.startedJobs(cm))
            }
        }.flatMap { $0 }

        var machines: [MachineRecord] = []
        var oses: [OSRecord] = []
        var osByName: [[String: Int32]] = []
        machines.reserveCapacity(cms.count)
        oses.reserveCapacity(osCount)
        osByName.reserveCapacity(cms.count)
        var jobBase: [Int] = []
        jobBase.reserveCapacity(cms.count + 1)
        var jobCount = 0
        for (m, part) in perMachine.enumerated() {
            oses.append(contentsOf: part.oses)
            osByName.append(part.names)
            machines.append(
                MachineRecord(
                    oses: Self.position(osBase[m])..<Self.position(osBase[m + 1]), jobs: 0..<0, pool: part.pool,
                    granule: cms[m].machine.granule))
            jobBase.append(jobCount)
            jobCount += part.started.jobs.count
        }
        jobBase.append(jobCount)

        /// The OS a reference names, as seen from machine `m`; −1 for none.
        func resolve(_ ref: OSReference?, from m: Int) -> Int32 {
            guard let ref,
                let tm = StandbyResolver.machine(of: ref, from: m, named: cms[m].machine.name, in: machineIndex),
                let o = osByName[tm][ref.os]
            else { return -1 }
            return o
        }

        // Jobs, grouped by OS in start order: steps run OS by OS in document
        // order, so this is document order too. Each run of machines writes its
        // jobs' records in place, where its first machine's jobs begin, and
        // counts per OS its jobs' total and the copies it receives.
        // Sized once and written in place: a second list, or one grown by
        // doubling, would briefly take twice its size or more, the peak of a
        // fleet's whole plan. `base` is where the records go (`nil` when there
        // are none to write); each thread initializes its own part only.
        func writeJobs(at base: UnsafeMutablePointer<JobRecord>?) -> [(resident: [Int], incomingCount: [Int])] {
            nonisolated(unsafe) let base = base
            return parallel(runs.count) { t in
                var next = jobBase[runs[t].lowerBound]
                var resident: [Int] = []
                var incomingCount = [Int](repeating: 0, count: osCount)
                for m in runs[t] {
                    let machine = cms[m].machine
                    let started = perMachine[m].started
                    // The standby a job names is mostly the one the job before it
                    // named: resolved once for each run of jobs naming it.
                    var last: (machine: String?, os: String, target: Int32)?
                    for (o, os) in machine.oses.enumerated() {
                        var total = 0
                        // As `Job.failoverTarget(on:)`: the job's own standby, else its OS's.
                        let osTarget = resolve(os.standby, from: m)
                        // The jobs' fields are read in place: a `Job` holds names and
                        // locations that a copy would retain.
                        os.jobs.withUnsafeBufferPointer { specJobs in
                            guard let specJob = specJobs.baseAddress else { return }
                            for j in started.jobs[started.ranges[o]] {
                                let job = specJob + Int(j)
                                var target: Int32 = -1
                                if job.pointee.hotStandby {
                                    if let ref = job.pointee.standby {
                                        if let last, last.os == ref.os, last.machine == ref.machine {
                                            target = last.target
                                        } else {
                                            target = resolve(ref, from: m)
                                            last = (ref.machine, ref.os, target)
                                        }
                                    } else {
                                        target = osTarget
                                    }
                                }
                                if target >= 0 { incomingCount[Int(target)] += 1 }
                                total += job.pointee.memory
                                base?.advanced(by: next).initialize(
                                    to: JobRecord(
                                        memory: job.pointee.memory, standbyMemory: job.pointee.standbyMemory,
                                        os: Self.position(osBase[m] + o), target: target, specIndex: j,
                                        hotStandby: job.pointee.hotStandby, policy: job.pointee.policy))
                                next += 1
                            }
                        }
                        resident.append(total)
                    }
                }
                precondition(next == jobBase[runs[t].upperBound], "a run's jobs fill its part exactly")
                return (resident, incomingCount)
            }
        }
        var jobParts: [(resident: [Int], incomingCount: [Int])] = []
        let jobs: [JobRecord]
        if jobCount == 0 {
            // Not through `unsafeUninitializedCapacity`: with no capacity it sets
            // the count of the empty array every empty array shares, which other
            // threads may be reading.
            jobParts = writeJobs(at: nil)
            jobs = []
        } else {
            jobs = [JobRecord](unsafeUninitializedCapacity: jobCount) { buffer, initialized in
                jobParts = writeJobs(at: buffer.baseAddress)
                initialized = jobCount
            }
        }

        var incomingCount = [Int](repeating: 0, count: osCount)
        for (t, part) in jobParts.enumerated() {
            let firstOS = osBase[runs[t].lowerBound]
            for (i, total) in part.resident.enumerated() { oses[firstOS + i].resident = total }
            for o in 0..<osCount { incomingCount[o] += part.incomingCount[o] }
        }
        for m in cms.indices {
            let started = perMachine[m].started
            for o in started.ranges.indices {
                let range = started.ranges[o]
                oses[osBase[m] + o].jobs =
                    Self.position(jobBase[m] + range.lowerBound)..<Self.position(jobBase[m] + range.upperBound)
            }
            machines[m].jobs = Self.position(jobBase[m])..<Self.position(jobBase[m + 1])
        }

        // Per receiving OS, its incoming jobs in document order (jobs are in it).
        var next = Array(repeating: 0, count: osCount)
        var total = 0
        for o in oses.indices {
            next[o] = total
            oses[o].incoming = Self.position(total)..<Self.position(total + incomingCount[o])
            total += incomingCount[o]
        }
        var incomingJobs = Array(repeating: Int32(0), count: total)
        for (j, job) in jobs.enumerated() where job.target >= 0 {
            incomingJobs[next[Int(job.target)]] = Self.position(j)
            next[Int(job.target)] += 1
        }

        self.machineIndex = machineIndex
        self.machines = machines
        self.oses = oses
        self.jobs = jobs
        self.incomingJobs = incomingJobs
    }

    /// Per OS of `cm`'s machine (in `ranges`), the positions in its `jobs` of
    /// the jobs that started, in start order: every job, in a machine where
    /// all started (so in every machine of a spec that compiles without
    /// errors), without rebuilding the steps.
    private static func startedJobs(_ cm: CompiledMachine) -> (jobs: [Int32], ranges: [Range<Int>]) {
        guard cm.startsEveryJob else { return startedJobs(cm.steps, of: cm.machine) }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(cm.machine.oses.count)
        var total = 0
        for os in cm.machine.oses {
            ranges.append(total..<total + os.jobs.count)
            total += os.jobs.count
        }
        var jobs: [Int32] = []
        jobs.reserveCapacity(total)
        for range in ranges { jobs.append(contentsOf: (0..<range.count).lazy.map { position($0) }) }
        return (jobs, ranges)
    }

    /// Per OS of `machine` (in `ranges`), the positions in its `jobs` of the jobs
    /// that started, in start order.
    private static func startedJobs(
        _ steps: [StartStep], of machine: Machine
    ) -> (jobs: [Int32], ranges: [Range<Int>]) {
        let jobCounts = machine.oses.map(\.jobs.count)
        var counts = Array(repeating: 0, count: jobCounts.count)
        let valid = { (step: StartStep) in
            step.os >= 0 && step.os < jobCounts.count && step.job >= 0 && step.job < jobCounts[step.os]
        }
        for step in steps where valid(step) { counts[step.os] += 1 }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(counts.count)
        var next: [Int] = []
        next.reserveCapacity(counts.count)
        var total = 0
        for count in counts {
            ranges.append(total..<total + count)
            next.append(total)
            total += count
        }
        var jobs = Array(repeating: Int32(0), count: total)
        for step in steps where valid(step) {
            jobs[next[step.os]] = position(step.job)
            next[step.os] += 1
        }
        return (jobs, ranges)
    }

    /// Per OS of `cm`, its own region in the final table, and the pool.
    ///
    /// The compiler lays the OSes' regions out first, in order, and keeps their
    /// sizes after start-up (``CompiledMachine/ownRegions``): those are read
    /// as they are. A table laid out otherwise is searched by name in the final
    /// table, which is rebuilt for it.
    private static func ownRegions(_ cm: CompiledMachine) -> (sizes: [Int], pool: Int) {
        let oses = cm.machine.oses
        let initial = cm.initial
        if cm.ownRegions.count == oses.count && initial.count > oses.count && initial.last?.kind == .unallocated
            && oses.indices.allSatisfy({ initial[$0].kind == .os && initial[$0].name == oses[$0].name })
        {
            return (cm.ownRegions, cm.pool)
        }
        return ownRegions(cm.machine, final: cm.final)
    }

    private static func ownRegions(_ machine: Machine, final: [Region]) -> (sizes: [Int], pool: Int) {
        let pool = final.last?.size ?? 0
        var sizes: [Int] = []
        sizes.reserveCapacity(machine.oses.count)
        for (o, os) in machine.oses.enumerated() {
            guard o < final.count, final[o].kind == .os, final[o].name == os.name else {
                let size = final.first { $0.kind == .os && $0.name == os.name }?.size ?? 0
                sizes.append(size)
                continue
            }
            sizes.append(final[o].size)
        }
        return (sizes, pool)
    }

    /// A position as the index stores it. Every OS and job of a spec is a value
    /// held in memory, so a spec never has 2^31 of them.
    private static func position(_ i: Int) -> Int32 {
        precondition(i <= Int(Int32.max), "more than 2^31 OSes or jobs")
        return Int32(truncatingIfNeeded: i)
    }

    func machine(_ m: Int) -> CompiledMachine { compiled.machines[m] }


    /// The machine of a job.
    func machineOf(job j: Int) -> Int { Int(oses[Int(jobs[j].os)].machine) }

    /// The incoming jobs of OS `o`.
    func incoming(_ o: Int) -> ArraySlice<Int32> {
        let range = oses[o].incoming
        return incomingJobs[Int(range.lowerBound)..<Int(range.upperBound)]
    }

    /// The part of a region of machine `m` that a memory fault makes unreadable:
    /// ⌈size × lost⌉, then up to the granule, never above the region.
    func lostPart(of size: Int, machine m: Int) -> Int {
        let part = policies.memoryLost.ceilPart(of: max(0, size))
        let granule = machines[m].granule
        guard granule > 1, part % granule != 0 else { return min(part, size) }
        let (up, o) = part.addingReportingOverflow(granule - part % granule)
        return o ? size : min(up, size)
    }
}

extension PlanIndex {
    // Names are read from the spec in place: copying an `OS` or a `Job` out of
    // it would retain everything they hold.

    /// A job's name, read from the spec.
    func jobName(_ j: Int) -> String {
        let job = jobs[j]
        let os = oses[Int(job.os)]
        let specIndex = Int(job.specIndex)
        let count = compiled.machines[Int(os.machine)].machine.oses[Int(os.local)].jobs.count
        return specIndex < count ? compiled.machines[Int(os.machine)].machine.oses[Int(os.local)].jobs[specIndex].name : ""
    }

    func osName(_ o: Int) -> String {
        compiled.machines[Int(oses[o].machine)].machine.oses[Int(oses[o].local)].name
    }

    /// The name of a job as seen from machine `m`: plain on `m`, `machine/job` elsewhere.
    func name(job j: Int, from m: Int) -> String {
        let home = machineOf(job: j)
        return home == m ? jobName(j) : "\(machine(home).name)/\(jobName(j))"
    }

    /// The name of an OS as seen from machine `m`.
    func name(os o: Int, from m: Int) -> String {
        let home = Int(oses[o].machine)
        return home == m ? osName(o) : "\(machine(home).name)/\(osName(o))"
    }
}
