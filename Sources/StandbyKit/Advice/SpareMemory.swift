/// The memory a machine holds beyond what its plan needs, and the change that
/// gives it back (the plan report's "memory to spare").
///
/// The rule (docs/advice.md, "Memory to spare"): with `pool: true`, a machine
/// whose standbys are at their minimum and whose pool after start-up holds at
/// least its reserve minimum covers every case it covered before. So machine
/// M needs
///
///     monitor + footprint + Σ min(S) + max(reserve minimum, reserve)
///
/// (the actives and their start-up expansions unchanged, each standby's boot
/// allocation at its minimum, `reserve` as the operator wrote it, every size
/// rounded up to M's granule), and the rest of its memory is spare. Lowering a
/// standby to its minimum gives its memory to the pool at boot, so the pool
/// grows by what the standbys lose: in every case a standby now misses at most
/// what it lost, and its machine's pool holds that much more (see the proof in
/// docs/advice.md). With `pool: false` the minimums size only `os` and `job`
/// cases, so nothing is offered.
public struct SpareMemory: Sendable, Hashable {
    public var machine: String
    /// The machine's position in the spec.
    public var index: Int
    /// What the change frees: the machine's memory less what it needs.
    public var bytes: Int
    /// Each standby whose allocation changes, then the machine's memory.
    public var edits: [Advice.Edit]

    /// The spare memory of machine `m` of `compiled`, planned as `plan`; `nil`
    /// when it has none (or with `pool: false`).
    public static func of(_ plan: MachinePlan, in compiled: CompiledSpec, machine m: Int) -> SpareMemory? {
        guard compiled.spec.policies.pool, m < compiled.machines.count else { return nil }
        let machine = compiled.machines[m].machine
        guard machine.name == plan.name else { return nil }
        let granule = max(1, machine.granule)
        var edits: [Advice.Edit] = []
        var standbys = 0
        for (o, os) in machine.oses.enumerated() where os.role == .standby {
            guard let figure = plan.standbys.first(where: { $0.name == os.name }),
                let minimum = Quantity.roundUp(figure.minimum, to: granule)
            else { return nil }
            standbys += minimum
            if minimum != os.memory {
                edits.append(
                    Advice.Edit(
                        target: "machines/\(machine.name)/oses/\(os.name)/memory", machine: m, os: o, from: os.memory,
                        to: minimum, location: os.memoryLocation))
            }
        }
        // The figures fit in an Int (Compile/FigureBounds); their sum here is
        // at most the fluid total plus the reserve.
        let parts = [machine.monitor, plan.footprint, standbys, max(plan.reserveMinimum, machine.reserve)]
        var needed = 0
        for part in parts {
            let (sum, overflow) = needed.addingReportingOverflow(part)
            guard !overflow else { return nil }
            needed = sum
        }
        guard let rounded = Quantity.roundUp(needed, to: granule), rounded < machine.memory else { return nil }
        edits.append(
            Advice.Edit(
                target: "machines/\(machine.name)/memory", machine: m, os: nil, from: machine.memory, to: rounded,
                location: machine.memoryLocation))
        return SpareMemory(machine: machine.name, index: m, bytes: machine.memory - rounded, edits: edits)
    }

    /// `spec` with this change written into it.
    public func applied(to spec: Spec) -> Spec {
        var spec = spec
        for edit in edits where edit.machine < spec.machines.count {
            if let o = edit.os {
                if o < spec.machines[edit.machine].oses.count { spec.machines[edit.machine].oses[o].memory = edit.to }
            } else {
                spec.machines[edit.machine].memory = edit.to
            }
        }
        return spec
    }
}
