// The planner's rules read the final state of start-up through this small
// model of plain values (see `CaseRules.swift` and `FigureRules.swift`): per
// machine its name, granule, memory, monitor and pool after start-up; per OS
// its role, own region after start-up and kernel; per started job its sizes,
// policy and resolved standby. It is built once from a `CompiledSpec`.

/// An OS of the final state: the machine's position in ``FinalState/machines``
/// and the OS's position among that machine's OSes. Ordered as the document.
struct OSAddress: Hashable, Comparable, Sendable {
    var machine: Int
    var os: Int

    static func < (a: Self, b: Self) -> Bool { (a.machine, a.os) < (b.machine, b.os) }
}

/// A started job of the final state: its OS and its position among that OS's
/// started jobs. Ordered as the document.
struct JobAddress: Hashable, Comparable, Sendable {
    var machine: Int
    var os: Int
    var job: Int

    var osAddress: OSAddress { OSAddress(machine: machine, os: os) }

    static func < (a: Self, b: Self) -> Bool { (a.machine, a.os, a.job) < (b.machine, b.os, b.job) }
}

/// The final state of start-up of every machine, as the rules read it.
struct FinalState: Sendable {
    var policies: Policies
    var machines: [FinalMachine]

    /// A machine after start-up.
    struct Machine: Sendable {
        var name: String
        var memory: Int
        var monitor: Int
        var granule: Int
        /// The part of the pool start-up expansions may not use.
        var reserve: Int
        /// The pool after start-up (the `unallocated` region of the final table).
        var pool: Int
        var oses: [OS]
    }

    /// An OS after start-up.
    struct OS: Sendable {
        var name: String
        var role: OSRole
        /// Its own region after start-up.
        var own: Int
        var kernel: Int
        /// The jobs that started on it, in start order (document order).
        var jobs: [Job]

        /// Σ its jobs' regions.
        var resident: Int { jobs.reduce(0) { $0 + $1.memory } }
    }

    /// A started job.
    struct Job: Sendable {
        var name: String
        var memory: Int
        var standbyMemory: Int
        var hotStandby: Bool
        var policy: JobFaultPolicy
        /// Where its copy starts: its resolved standby (its own, else its OS's);
        /// `nil` for an ordinary job or a reference that names no OS.
        var standby: OSAddress?
    }

    func machine(_ m: Int) -> Machine { machines[m] }
    func os(_ a: OSAddress) -> OS { machines[a.machine].oses[a.os] }
    func job(_ a: JobAddress) -> Job { machines[a.machine].oses[a.os].jobs[a.job] }

    /// Every OS of the fleet, in document order.
    var allOSes: [OSAddress] {
        machines.indices.flatMap { m in machines[m].oses.indices.map { OSAddress(machine: m, os: $0) } }
    }

    /// The started jobs of machine `m`, in document order.
    func jobs(of m: Int) -> [JobAddress] {
        machines[m].oses.indices.flatMap { o in jobs(of: OSAddress(machine: m, os: o)) }
    }

    /// The started jobs of an OS, in document order.
    func jobs(of a: OSAddress) -> [JobAddress] {
        os(a).jobs.indices.map { JobAddress(machine: a.machine, os: a.os, job: $0) }
    }

    /// Every started job of the fleet, in document order.
    var allJobs: [JobAddress] { machines.indices.flatMap { jobs(of: $0) } }

    /// The hot-standby jobs (of any machine) whose copies start on `s`, in document order.
    func incoming(_ s: OSAddress) -> [JobAddress] { allJobs.filter { job($0).standby == s } }

    /// A job's name as seen from machine `m`: plain on `m`, `machine/job` elsewhere.
    func name(_ j: JobAddress, from m: Int) -> String {
        j.machine == m ? job(j).name : "\(machines[j.machine].name)/\(job(j).name)"
    }

    /// What a fault's case names: its target (an OS, a job, or the machine
    /// itself) and, for a `job` case, its severity.
    func target(of fault: Fault) -> (target: String, severity: Severity?) {
        switch fault {
        case .os(let o), .standby(let o), .memory(let o): (os(o).name, nil)
        case .job(let j, let severity): (job(j).name, severity)
        case .machine(let m): (machines[m].name, nil)
        }
    }

    /// The plan's case id of a fault: `machine/kind/target[/severity]`.
    func caseID(of fault: Fault) -> String {
        let (target, severity) = target(of: fault)
        return FaultCase.id(machine: machines[fault.machine].name, kind: fault.kind, target: target, severity: severity)
    }

    /// An OS's name as seen from machine `m`.
    func name(_ o: OSAddress, from m: Int) -> String {
        o.machine == m ? os(o).name : "\(machines[o.machine].name)/\(os(o).name)"
    }
}

typealias FinalMachine = FinalState.Machine

extension FinalState {
    /// The final state of `compiled`: each OS's own region and the pool read
    /// from the final table, the jobs that started in start order, each
    /// hot-standby job's standby resolved once.
    init(_ compiled: CompiledSpec) {
        let resolver = StandbyResolver(compiled.machines.map(\.machine))
        var machines: [Machine] = []
        for (m, cm) in compiled.machines.enumerated() {
            let spec = cm.machine
            let final = cm.final
            var started = Array(repeating: [Int](), count: spec.oses.count)
            for step in cm.steps { started[step.os].append(step.job) }
            var oses: [OS] = []
            for (o, os) in spec.oses.enumerated() {
                // The OS's own region: the first `os` row of its name in the final table.
                let own = final.first { $0.kind == .os && $0.name == os.name }?.size ?? 0
                let jobs = started[o].map { j in
                    let job = os.jobs[j]
                    return Job(
                        name: job.name, memory: job.memory, standbyMemory: job.standbyMemory,
                        hotStandby: job.hotStandby, policy: job.policy,
                        standby: job.failoverTarget(on: os).flatMap { resolver.resolve($0, from: m) }
                            .map { OSAddress(machine: $0.machine, os: $0.os) })
                }
                oses.append(OS(name: os.name, role: os.role, own: own, kernel: os.kernel, jobs: jobs))
            }
            let pool = final.last { $0.kind == .unallocated }?.size ?? 0
            machines.append(
                Machine(
                    name: spec.name, memory: spec.memory, monitor: spec.monitor, granule: spec.granule, reserve: spec.reserve,
                    pool: pool,
                    oses: oses))
        }
        self.init(policies: compiled.spec.policies, machines: machines)
    }
}

/// An OS's regions after start-up, as the rules (``FinalState/OS``) and the
/// engine's index hold them, and what they make: its free memory and its
/// footprint are stated here once.
protocol OSRegions {
    /// Its own region after start-up.
    var own: Int { get }
    var kernel: Int { get }
    /// Σ the regions of the jobs that run on it.
    var resident: Int { get }
}

extension OSRegions {
    /// Free memory after start-up: own region − kernel, never below 0.
    var free: Int { max(0, own - kernel) }
    /// Its own region plus its job regions: an active's footprint, a standby's allocation.
    var footprint: Int { own + resident }
}

extension FinalState.OS: OSRegions {}
