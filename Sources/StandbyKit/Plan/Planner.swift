/// Stage: compiled start-up tables → plan (docs/model.md, "Planning: every single
/// fault").
///
/// Every case is one fault simulated alone on the final table of start-up. The
/// planner indexes the compiled spec once (per OS its regions, per standby the
/// jobs that fail over to it), so a case costs only the regions it moves and
/// the whole plan costs time in proportion to the spec's size. The rules it
/// follows are stated on plain values in `Plan/Rules/` (a property test keeps
/// this engine equal to them), and every reading of docs/model.md it had to make
/// is in `docs/planning.md`.
public enum Planner {
    /// Simulates every case of `faults` (the spec's `policies.faults` when `nil`)
    /// and computes each machine's figures.
    public static func plan(_ compiled: CompiledSpec, faults: [FaultKind]? = nil) -> Plan {
        planWithFigures(compiled, faults: faults).plan
    }

    /// ``plan(_:faults:)`` with the figures its pass made (what
    /// ``LeastMemory/fix(_:compiled:)`` reads), from the same one pass.
    public static func planWithFigures(
        _ compiled: CompiledSpec, faults: [FaultKind]? = nil
    ) -> (figures: PlanFigures, plan: Plan) {
        let index = PlanIndex(compiled)
        let simulator = CaseSimulator(index)
        let namer = CaseNamer(index)
        // Each case is simulated once: its record is kept as the figures pass meets it.
        var cases: [[FaultCase]] = Array(repeating: [], count: index.machines.count)
        let figures = PlanFigures(index, kinds: kinds(faults, compiled), simulator: simulator) { m in
            cases[m].append(FaultCase(namer.view(of: simulator)))
        }
        var machines: [MachinePlan] = []
        machines.reserveCapacity(figures.machineCount)
        for m in 0..<figures.machineCount {
            machines.append(figures.machinePlan(m, cases: cases[m]))
            cases[m] = []
        }
        return (figures, Plan(faults: figures.faults, machines: machines, totals: figures.totals))
    }

    /// The figures that need every case of every machine — the standby and
    /// reserve minimums, the fleet's totals, how many cases there are and how
    /// many are not covered — without keeping any case.
    ///
    /// With ``forEachMachine(_:_:)`` this plans a fleet one machine at a time:
    /// the memory it takes is that of the spec and of one machine's cases.
    public static func figures(_ compiled: CompiledSpec, faults: [FaultKind]? = nil) -> PlanFigures {
        let index = PlanIndex(compiled)
        return PlanFigures(index, kinds: kinds(faults, compiled), simulator: CaseSimulator(index), observe: nil)
    }

    /// Plans each machine in document order and hands its ``MachinePlan``, cases
    /// included, to `body`; one machine's cases are made only when its turn comes.
    public static func forEachMachine<E: Error>(
        _ figures: PlanFigures, _ body: (MachinePlan) throws(E) -> Void
    ) throws(E) {
        let simulator = CaseSimulator(figures.index)
        let namer = CaseNamer(figures.index)
        for m in 0..<figures.machineCount {
            try body(figures.plan(machine: m, simulator: simulator, namer: namer))
        }
    }

    /// The fault kinds to simulate, without repeats, in ``FaultKind`` order.
    static func kinds(_ faults: [FaultKind]?, _ compiled: CompiledSpec) -> [FaultKind] {
        Array(Set(faults ?? compiled.spec.policies.faults)).sorted()
    }
}
