/// Stage: spec → the least memory per machine that lets every job start and
/// covers every case memory can cover (`standby fix`, and the fix a plan shows).
///
/// The rule, per machine M (docs/advice.md derives it):
///
/// 1. **Start-up.** M's memory is raised, if it must be, to the monitor, its
///    OSes' allocations and, when some job expands its OS, the reserve plus
///    every start-up expansion (and never to less than the reserve): start-up
///    then starts every job, since the pool only shrinks while jobs start and
///    never falls below the reserve.
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
/// Nothing is ever lowered, and a machine changes only when its own memory,
/// pool or standbys are short. Cases that no memory brings back (a hot-standby
/// job its policy stops, a standby that fails with the machine) are listed,
/// not fixed. Every size stays a multiple of its machine's granule.
///
/// The result is planned again before it is returned (machine by machine), so
/// its coverage is what the planner says of the changed spec, not what the
/// rule expects.
public enum LeastMemory {
    /// The least memory for `spec`, or the diagnostics that no memory fixes
    /// (errors of the spec other than memory that is too small). `faults`
    /// are the kinds to cover (default: the spec's `policies.faults`).
    public static func fix(_ spec: Spec, faults: [FaultKind]? = nil) -> Result<Advice, DiagnosticsError> {
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

        var compiled: CompiledSpec
        switch compile(fixed) {
        case .success(let c): compiled = c
        case .failure(let e): return .failure(e)
        }
        // What each machine's pool must hold after start-up, and what each
        // standby misses, over every case: read machine by machine, so a
        // fleet's cases are never held together.
        var required = [String: Int]()
        var missing = [String: [String: Int]]()
        Planner.forEachMachine(Planner.figures(compiled, faults: faults)) { m in
            for c in m.cases {
                for s in c.shortages {
                    if let pool = s.requiredPool { required[s.machine] = max(required[s.machine] ?? 0, pool) }
                    for sb in s.standbys where sb.missing > 0 {
                        missing[s.machine, default: [:]][sb.standby] = max(missing[s.machine]?[sb.standby] ?? 0, sb.missing)
                    }
                }
            }
        }
        if spec.policies.pool {
            for (m, cm) in compiled.machines.enumerated() {
                guard let need = required[cm.name], need > cm.pool else { continue }
                guard let raised = add(fixed.machines[m].memory, need - cm.pool, granule: cm.machine.granule) else {
                    overflow.append(m)
                    continue
                }
                fixed.machines[m].memory = raised
            }
        } else {
            for (m, cm) in compiled.machines.enumerated() {
                guard let lacks = missing[cm.name] else { continue }
                let granule = cm.machine.granule
                // What each OS took from the pool at start-up, in one pass over the steps.
                var expanded = [Int](repeating: 0, count: cm.machine.oses.count)
                for step in cm.steps { expanded[step.os] += step.expansion }
                for (o, os) in cm.machine.oses.enumerated() {
                    guard let lack = lacks[os.name] else { continue }
                    // An allocation that grows first replaces what the standby
                    // took from the pool at start-up, then adds free memory.
                    guard let grown = add(os.memory, lack, granule: granule),
                        let raised = add(grown, expanded[o], granule: granule)
                    else {
                        overflow.append(m)
                        continue
                    }
                    fixed.machines[m].oses[o].memory = raised
                }
                // Start-up as in step 1, for the new allocations: what step 1
                // added for the standbys' own expansions is no longer needed.
                guard let needed = startUpMinimum(fixed.machines[m], policies: fixed.policies) else {
                    overflow.append(m)
                    continue
                }
                fixed.machines[m].memory = max(spec.machines[m].memory, needed)
            }
        }
        if !overflow.isEmpty { return .failure(DiagnosticsError(tooLarge(spec, overflow))) }

        switch compile(fixed) {
        case .success(let c): compiled = c
        case .failure(let e): return .failure(e)
        }
        return .success(Advice(original: spec, fixed: fixed, compiled: compiled, faults: faults))
    }

    /// The least memory `machine` needs for its OSes and for every job to start:
    /// the monitor, the allocations and, when some job expands its OS, the
    /// reserve plus every expansion; never less than the reserve itself. `nil`
    /// past 2^63−1 bytes.
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
        // A reserve is part of the machine's memory even when no job expands.
        guard expansions > 0 else { return max(allocations, machine.reserve) }
        let (withReserve, o1) = allocations.addingReportingOverflow(machine.reserve)
        let (total, o2) = withReserve.addingReportingOverflow(expansions)
        return o1 || o2 ? nil : total
    }

    /// `value` + `bytes` rounded up to `granule`, or `nil` past 2^63−1.
    private static func add(_ value: Int, _ bytes: Int, granule: Int) -> Int? {
        let (sum, o) = value.addingReportingOverflow(bytes)
        return o ? nil : Quantity.roundUp(sum, to: granule)
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
