/// An OS of the compiled spec: machine index and OS index, both in document order.
struct OSID: Hashable, Comparable, Sendable {
    var machine: Int
    var os: Int

    static func < (a: Self, b: Self) -> Bool { (a.machine, a.os) < (b.machine, b.os) }
}

/// A started job: its OS, and its position among the jobs that started on that
/// OS (which is start order, hence document order).
struct JobID: Hashable, Comparable, Sendable {
    var machine: Int
    var os: Int
    var slot: Int

    var osID: OSID { OSID(machine: machine, os: os) }

    static func < (a: Self, b: Self) -> Bool { (a.machine, a.os, a.slot) < (b.machine, b.os, b.slot) }
}

/// A started job with what the planner needs of it.
struct JobEntry: Sendable {
    var id: JobID
    var job: PlannedJob
    /// Where its copy starts; `nil` for an ordinary job or an unresolved standby.
    var target: OSID?
}

/// The fields of a ``Job`` that planning reads: a fleet has hundreds of
/// thousands of jobs, and the spec's own record carries source locations too.
struct PlannedJob: Sendable {
    var name: String
    var memory: Int
    var standbyMemory: Int
    var hotStandby: Bool
    var policy: JobFaultPolicy

    init(_ job: Job) {
        name = job.name
        memory = job.memory
        standbyMemory = job.standbyMemory
        hotStandby = job.hotStandby
        policy = job.policy
    }
}

/// Sums of sizes that stop at `Int.max` instead of trapping.
///
/// A machine's own sums fit (the validator keeps its memory below 2^63 bytes),
/// but a standby may be sent copies from many machines and totals run over the
/// whole fleet, so those sums saturate.
@inline(__always)
func satAdd(_ a: Int, _ b: Int) -> Int {
    let (s, o) = a.addingReportingOverflow(b)
    return o ? (b > 0 ? Int.max : Int.min) : s
}

/// `max(0, a − b − c)` for sizes (all ≥ 0), without overflow.
@inline(__always)
func lacking(_ a: Int, minus b: Int, _ c: Int = 0) -> Int {
    let have = satAdd(b, c)
    return a > have ? a - have : 0
}

/// Everything the planner looks up, computed once from the compiled spec in one
/// pass: per OS its own region and started jobs, per standby the jobs that
/// fail over to it. Cases then touch only what they move.
struct PlanIndex: Sendable {
    let compiled: CompiledSpec
    let policies: Policies
    let machineIndex: [String: Int]
    /// Per machine, OS name → index.
    let osIndex: [[String: Int]]
    /// Per machine, per OS: its own region after start-up.
    let ownRegion: [[Int]]
    /// Per machine, per OS: the jobs that started, in start order.
    let jobs: [[[JobEntry]]]
    /// Per OS receiving copies: the hot-standby jobs that fail over to it, in document order.
    let incoming: [OSID: [JobID]]
    /// Per machine, per OS: Σ regions of the jobs that run on it.
    let residents: [[Int]]

    init(_ compiled: CompiledSpec) {
        self.compiled = compiled
        self.policies = compiled.spec.policies
        var machineIndex: [String: Int] = [:]
        for (m, machine) in compiled.machines.enumerated() where machineIndex[machine.name] == nil {
            machineIndex[machine.name] = m
        }
        var osIndex: [[String: Int]] = []
        var ownRegion: [[Int]] = []
        for cm in compiled.machines {
            var names: [String: Int] = [:]
            for (o, os) in cm.machine.oses.enumerated() where names[os.name] == nil { names[os.name] = o }
            osIndex.append(names)
            var sizes: [String: Int] = [:]
            for region in cm.final where region.kind == .os { sizes[region.name] = region.size }
            ownRegion.append(cm.machine.oses.map { sizes[$0.name] ?? 0 })
        }
        var jobs: [[[JobEntry]]] = []
        var incoming: [OSID: [JobID]] = [:]
        for (m, cm) in compiled.machines.enumerated() {
            var perOS: [[JobEntry]] = cm.machine.oses.map { os in
                var list: [JobEntry] = []
                list.reserveCapacity(os.jobs.count)
                return list
            }
            for step in cm.steps
            where step.os >= 0 && step.os < cm.machine.oses.count && step.job >= 0
                && step.job < cm.machine.oses[step.os].jobs.count
            {
                let os = cm.machine.oses[step.os]
                let job = os.jobs[step.job]
                var target: OSID?
                if let ref = job.failoverTarget(on: os) {
                    let tm = ref.machine.flatMap { machineIndex[$0] } ?? (ref.machine == nil ? m : nil)
                    if let tm, let to = osIndex[tm][ref.os] { target = OSID(machine: tm, os: to) }
                }
                let id = JobID(machine: m, os: step.os, slot: perOS[step.os].count)
                perOS[step.os].append(JobEntry(id: id, job: PlannedJob(job), target: target))
                if let target { incoming[target, default: []].append(id) }
            }
            jobs.append(perOS)
        }
        // Steps are in start order, which is OS by OS in document order, so every
        // list above is already in document order.
        self.machineIndex = machineIndex
        self.osIndex = osIndex
        self.ownRegion = ownRegion
        self.jobs = jobs
        self.incoming = incoming
        self.residents = jobs.map { $0.map { $0.reduce(0) { satAdd($0, $1.job.memory) } } }
    }

    func machine(_ m: Int) -> CompiledMachine { compiled.machines[m] }
    func os(_ id: OSID) -> OS { compiled.machines[id.machine].machine.oses[id.os] }
    func entry(_ id: JobID) -> JobEntry { jobs[id.machine][id.os][id.slot] }
    func pool(_ m: Int) -> Int { compiled.machines[m].pool }
    func granule(_ m: Int) -> Int { compiled.machines[m].machine.granule }

    /// Free memory of an OS after start-up: own region − kernel (never below 0).
    func free(_ id: OSID) -> Int { max(0, ownRegion[id.machine][id.os] - os(id).kernel) }

    /// Σ regions of the jobs that run on an OS.
    func resident(_ id: OSID) -> Int { residents[id.machine][id.os] }

    /// An OS's own region plus its job regions after start-up.
    func footprint(_ id: OSID) -> Int { satAdd(ownRegion[id.machine][id.os], resident(id)) }

    /// The name of a job as seen from machine `m`: plain on `m`, `machine/job` elsewhere.
    func name(_ id: JobID, from m: Int) -> String {
        let job = entry(id).job.name
        return id.machine == m ? job : "\(machine(id.machine).name)/\(job)"
    }

    /// The name of an OS as seen from machine `m`.
    func name(_ id: OSID, from m: Int) -> String {
        let os = os(id).name
        return id.machine == m ? os : "\(machine(id.machine).name)/\(os)"
    }

    /// The part of a region of machine `m` that a memory fault makes unreadable:
    /// ⌈size × lost⌉, then up to the granule, never above the region.
    func lostPart(of size: Int, machine m: Int) -> Int {
        let part = policies.memoryLost.ceilPart(of: max(0, size))
        let granule = granule(m)
        guard granule > 1, part % granule != 0 else { return min(part, size) }
        let (up, o) = part.addingReportingOverflow(granule - part % granule)
        return o ? size : min(up, size)
    }
}
