/// Stage: spec → the least memory per machine that lets every job start and
/// covers every case memory can cover (`standby fix`, and the fix a plan
/// shows), or the least layout (`standby fix --reclaim`).
///
/// The rule, per machine M (docs/advice.md derives it):
///
/// 1. **Start-up.** M's memory is raised, if it must be, to the monitor, its
///    OSes' allocations, every start-up expansion and the reserve: start-up
///    then starts every job, since the pool only shrinks while jobs start and
///    never falls below the reserve, and the pool after start-up holds the
///    reserve the operator set aside for failover.
/// 2. **Failover, `pool: true`.** In every case, what M's pool must hold after
///    start-up is what M's receiving standbys miss beyond what the fault
///    releases into it (a copy whose standby runs on M counts on M, wherever
///    the fault happened). M's memory grows by the most, over every case, that
///    this exceeds M's pool: raising a machine's memory raises its pool by as
///    much and changes nothing else a case counts.
/// 3. **Failover, `pool: false`.** Each standby S of M grows by the most it
///    misses in any case, plus what S itself took from the pool at start-up
///    (a larger allocation first replaces that expansion); then M's memory as
///    in step 1, for the new allocations.
///
/// `fix` never lowers anything, and a machine changes only when its own
/// memory, pool or standbys are short. `reclaim` writes the least layout
/// (``LeastLayout``): every standby at its minimum and every machine at its
/// fluid total, raised where short and lowered where memory is to spare.
/// Cases that no memory brings back (a hot-standby job its policy stops, a
/// standby that fails with the machine) are listed, not fixed. Every size
/// stays a multiple of its machine's granule.
///
/// Steps 2 and 3 and the least layout read the figures of one planning pass
/// (``PlanFigures``), which records, per case, what each pool and standby
/// would need; nothing is simulated twice to find them. The result is planned
/// again before ``fix(_:faults:)`` and ``reclaim(_:faults:)`` return it, so its
/// coverage is what the planner says of the changed spec, not what the rule
/// expects.
public enum LeastMemory {
    /// The least memory for `spec`, or the diagnostics that no memory fixes
    /// (errors of the spec other than memory that is too small). `faults`
    /// are the kinds to cover (default: the spec's `policies.faults`).
    public static func fix(_ spec: Spec, faults: [FaultKind]? = nil) -> Result<Advice, DiagnosticsError> {
        change(spec, faults: faults, reclaim: false)
    }

    /// The least layout of `spec`: every standby at its minimum and every
    /// machine at its fluid total (raised where short, lowered where memory is
    /// to spare), or the diagnostics that no memory fixes.
    public static func reclaim(_ spec: Spec, faults: [FaultKind]? = nil) -> Result<Advice, DiagnosticsError> {
        change(spec, faults: faults, reclaim: true)
    }

    /// The fix of a spec already planned as `figures` (`compiled` is the spec
    /// the figures planned), read off those figures without simulating a case
    /// again; `nil` when a size would pass 2^63−1 bytes.
    public static func fix(_ figures: PlanFigures, compiled: CompiledSpec) -> Advice? {
        guard case (let fixed, []) = raised(figures, compiled) else { return nil }
        return Advice(original: compiled.spec, fixed: fixed, figures: figures)
    }

    private static func change(_ spec: Spec, faults: [FaultKind]?, reclaim: Bool) -> Result<Advice, DiagnosticsError> {
        var fixed = spec
        var overflow: [Int] = []
        for m in fixed.machines.indices {
            guard let needed = startUpMinimum(fixed.machines[m], policies: fixed.policies) else {
                overflow.append(m)
                continue
            }
            fixed.machines[m].memory = max(fixed.machines[m].memory, needed)
        }
        if !overflow.isEmpty { return .failure(DiagnosticsError(tooLarge(spec, overflow))) }
        let startUpRaised = fixed != spec

        var compiled: CompiledSpec
        switch compile(fixed) {
        case .success(let c): compiled = c
        case .failure(let e): return .failure(e)
        }
        let figures = Planner.figures(compiled, faults: faults)
        if reclaim {
            for m in 0..<figures.machineCount {
                guard let layout = LeastLayout.of(figures.machinePlan(m, cases: []), in: compiled, machine: m) else { continue }
                fixed = layout.applied(to: fixed)
            }
        } else {
            (fixed, overflow) = raised(figures, compiled)
            if !overflow.isEmpty { return .failure(DiagnosticsError(tooLarge(spec, overflow))) }
        }
        switch compile(fixed) {
        case .success(let c): compiled = c
        case .failure(let e): return .failure(e)
        }
        var advice = Advice(original: spec, fixed: fixed, compiled: compiled, faults: faults)
        // What each change covers is counted on the spec as written when it
        // plans (step 1 may have raised a machine for start-up alone, and
        // that raise covers cases too); otherwise after step 1.
        if startUpRaised, case .success(let written) = compile(spec) {
            advice.noteShortCases(Planner.figures(written, faults: faults))
        } else {
            advice.noteShortCases(figures)
        }
        return .success(advice)
    }

    /// Steps 2 and 3 on the spec `figures` planned: its machines' memory (and
    /// with `pool: false` its standbys' allocations) raised where a case is
    /// short or the pool after start-up is below the reserve, and the machines
    /// whose sizes would pass 2^63−1 bytes.
    static func raised(_ figures: PlanFigures, _ compiled: CompiledSpec) -> (Spec, overflow: [Int]) {
        var fixed = compiled.spec
        var overflow: [Int] = []
        let index = figures.index
        for m in 0..<figures.machineCount {
            let record = index.machines[m]
            let machine = compiled.machines[m].machine
            // With `pool: false`, each standby short in some case: it grows by
            // the most it misses (an allocation replacing any expansion first).
            var short: [(os: OSRecord, footprint: Int, missing: Int)] = []
            if !index.policies.pool {
                for o in Int(record.oses.lowerBound)..<Int(record.oses.upperBound) {
                    let os = index.oses[o]
                    let lack = figures.extra[o] - os.free
                    if os.role == .standby && lack > 0 { short.append((os, os.footprint, lack)) }
                }
            }
            // What covers a case's shortage covers the worst of them at once.
            let covering = CaseRules.covering(
                memory: machine.memory, pool: record.pool, reserve: machine.reserve, granule: machine.granule,
                poolPolicy: index.policies.pool, requiredPool: figures.required[m],
                standbys: short.map { ($0.footprint, $0.missing) })
            // Its sums saturate; the bounds checked at compile time keep a
            // compiled machine's below 2^63−1, so a saturated one is past them.
            guard covering.memory < Int.max, !covering.allocations.contains(Int.max) else {
                overflow.append(m)
                continue
            }
            for (s, allocation) in zip(short, covering.allocations) {
                fixed.machines[m].oses[Int(s.os.local)].memory = allocation
            }
            fixed.machines[m].memory = covering.memory
        }
        return (fixed, overflow)
    }

    /// The least memory `machine` needs for its OSes and for every job to start
    /// with the pool after start-up holding its reserve: the monitor, the
    /// allocations, every expansion and the reserve. `nil` past 2^63−1 bytes.
    ///
    /// The expansions come from the compiler itself, run on the machine with
    /// room for any expansion (each is at most its job's memory plus its OS's
    /// kernel), so the rule for one start-up step stays the compiler's.
    static func startUpMinimum(_ machine: Machine, policies: Policies) -> Int? {
        var allocations = machine.monitor
        var room = machine.reserve
        for os in machine.oses {
            var o = false
            (allocations, o) = allocations.addingReportingOverflow(os.memory)
            if o { return nil }
            (room, o) = room.addingReportingOverflow(os.kernel)
            if o { return nil }
            for job in os.jobs {
                (room, o) = room.addingReportingOverflow(job.memory)
                if o { return nil }
            }
        }
        var ample = machine
        let (memory, o) = allocations.addingReportingOverflow(room)
        if o { return nil }
        ample.memory = memory
        let spec = Spec(version: 1, policies: policies, machines: [ample])
        guard let compiled = Compiler.compile(spec).0?.machines.first else { return nil }
        let expansions = compiled.steps.reduce(0) { $0 + $1.expansion }
        let (withReserve, o1) = allocations.addingReportingOverflow(machine.reserve)
        let (total, o2) = withReserve.addingReportingOverflow(expansions)
        return o1 || o2 ? nil : total
    }

    /// Validates and compiles `spec`; its errors are the ones no memory fixes.
    private static func compile(_ spec: Spec) -> Result<CompiledSpec, DiagnosticsError> {
        let validation = Validator.validate(spec)
        if validation.hasErrors { return .failure(DiagnosticsError(validation)) }
        let (compiled, diagnostics) = Compiler.compile(spec)
        guard let compiled, !diagnostics.hasErrors else { return .failure(DiagnosticsError(diagnostics)) }
        return .success(compiled)
    }

    private static func tooLarge(_ spec: Spec, _ machines: [Int]) -> Diagnostics {
        var diagnostics = Diagnostics()
        for m in machines {
            let machine = spec.machines[m]
            diagnostics.error(
                .fixTooLarge,
                "machine '\(machine.name)' would need more than 8 EiB of memory to start every job and cover every case",
                at: machine.location)
        }
        return diagnostics
    }
}

extension DiagnosticCode {
    /// The least memory that covers a machine is past 2^63−1 bytes.
    public static let fixTooLarge: Self = "fix-too-large"
}
