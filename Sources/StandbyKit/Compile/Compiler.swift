extension DiagnosticCode {
    /// The machine's memory is less than the monitor plus every OS's allocation.
    public static let machineOvercommitted: Self = "machine-overcommitted"
    /// A job cannot start: its OS is short and the pool above the reserve cannot cover it.
    public static let jobCannotStart: Self = "job-cannot-start"
}

/// Stage: spec → start-up resource tables (docs/model.md, "Compiling").
///
/// Per machine, the initial table holds one region per OS, the monitor's area and
/// the pool; then each job starts, OS by OS in document order: it is carved from
/// its OS's free memory, after the OS has asked the pool for what it lacks
/// (never taking the pool below the machine's reserve).
public enum Compiler {
    /// Compiles every machine. Problems (a machine overcommitted at boot, a job
    /// that cannot start) are errors located at the machine or the job; a job that
    /// cannot start is left out and the jobs after it still start, so one run
    /// reports every such job.
    public static func compile(_ spec: Spec) -> (CompiledSpec?, Diagnostics) {
        compile(spec, threads: parallelThreads(for: spec))
    }

    /// The same, machine by machine on `threads` threads: each compiles a run
    /// of machines, and the runs are joined in order.
    static func compile(_ spec: Spec, threads: Int) -> (CompiledSpec?, Diagnostics) {
        var diagnostics = Diagnostics()
        var machines: [CompiledMachine] = []
        machines.reserveCapacity(spec.machines.count)
        let runs = runs(of: spec.machines.count, threads: threads)
        for part in parallel(runs.count, { t in
            var diagnostics = Diagnostics()
            var machines: [CompiledMachine] = []
            machines.reserveCapacity(runs[t].count)
            for m in runs[t] {
                if let compiled = compile(spec.machines[m], policies: spec.policies, into: &diagnostics) {
                    machines.append(compiled)
                }
            }
            return (machines, diagnostics)
        }) {
            machines.append(contentsOf: part.0)
            diagnostics.append(contentsOf: part.1)
        }
        // The planner's sums stay below 2^63 bytes once these bounds fit.
        diagnostics.append(contentsOf: FigureBounds.check(spec))
        if diagnostics.hasErrors { return (nil, diagnostics) }
        return (CompiledSpec(spec: spec, machines: machines), diagnostics)
    }

    /// The initial table of a machine, or `nil` (with an error) when the OSes and
    /// the monitor do not fit in its memory.
    static func initialTable(
        _ machine: Machine, policies: Policies, into diagnostics: inout Diagnostics
    ) -> [Region]? {
        guard let used = StartUp.bootUse(machine), used <= machine.memory else {
            diagnostics.append(StartUp.overcommitted(machine, noteAt: nil))
            return nil
        }
        var regions: [Region] = []
        regions.reserveCapacity(machine.oses.count + 2)
        for os in machine.oses {
            regions.append(
                Region(
                    name: os.name, kind: .os, size: os.memory, owner: os.name,
                    onFault: policies.osArea == .keep ? os.name : monitorName))
        }
        regions.append(
            Region(name: monitorName, kind: .monitor, size: machine.monitor, owner: monitorName, onFault: monitorName))
        regions.append(
            Region(
                name: unallocatedName, kind: .unallocated, size: machine.memory - used, owner: monitorName,
                onFault: monitorName))
        return regions
    }

    static func compile(
        _ machine: Machine, policies: Policies, into diagnostics: inout Diagnostics
    ) -> CompiledMachine? {
        guard let initial = initialTable(machine, policies: policies, into: &diagnostics) else { return nil }
        // Regions `0..<oses.count` of the initial table are the OSes' own areas,
        // in order, and the last one is the pool.
        var own = initial.prefix(machine.oses.count).map(\.size)
        var pool = initial.last?.size ?? 0
        var expansions: [CompiledMachine.Expansion] = []
        var leftOut: [Int] = []
        var started = 0
        var ordinal = 0
        for (o, os) in machine.oses.enumerated() {
            for job in os.jobs {
                defer { ordinal += 1 }
                let expansion: Int
                switch StartUp.step(job: job.memory, own: own[o], kernel: os.kernel, pool: pool, reserve: machine.reserve) {
                case .cannotStart(let short, let available):
                    diagnostics.append(cannotStart(job, on: os, in: machine, short: short, available: available, pool: pool))
                    leftOut.append(ordinal)
                    continue
                case .start(let bytes):
                    expansion = bytes
                }
                if expansion > 0 { expansions.append(.init(step: started, bytes: expansion)) }
                StartUp.apply(expansion: expansion, job: job.memory, own: &own[o], pool: &pool)
                started += 1
            }
        }
        return CompiledMachine(
            machine: machine, initial: initial, ownRegions: own, pool: pool, expansions: expansions, leftOut: leftOut)
    }

    /// The region a started job occupies: owned by its OS; on fault it goes to its
    /// standby when it is hot-standby, to the monitor otherwise.
    static func jobRegion(_ job: Job, on os: OS, machine: Machine) -> Region {
        let target = job.failoverTarget(on: os)
        let onFault: String
        if let target {
            onFault = StandbyResolver.isLocal(target, on: machine.name) ? target.os : target.description
        } else {
            onFault = monitorName
        }
        return Region(name: job.name, kind: .job, size: job.memory, owner: os.name, onFault: onFault)
    }

    private static func cannotStart(
        _ job: Job, on os: OS, in machine: Machine, short: Int, available: Int, pool: Int
    ) -> Diagnostic {
        var notes: [Diagnostic.Note] = []
        if machine.reserve > 0 && pool > available {
            notes.append(
                .init(
                    "the pool holds \(Size.describe(pool)), of which the reserve of \(Size.describe(machine.reserve)) may not be used at start-up"
                ))
        }
        // Raising the memory by what this job lacks may only move the error to
        // the next job: the note names no amount. `Pipeline.compile` replaces
        // it with the least memory (`LeastMemory`), which counts every job.
        notes.append(
            .init(
                "raise the memory of machine '\(machine.name)': 'standby fix' computes the least that starts every job",
                at: machine.memoryLocation ?? machine.location))
        return .error(
            .jobCannotStart,
            "job '\(job.name)' cannot start: '\(os.name)' needs \(Size.describe(short)) more and the pool can give \(Size.describe(available))",
            at: job.location, notes: notes)
    }
}
