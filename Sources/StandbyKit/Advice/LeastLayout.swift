/// The least layout of one machine (docs/advice.md, "The least layout"): every
/// standby at its minimum and the machine's memory at its fluid total, and the
/// edits that write it into the spec (`standby fix --reclaim`, the plan's
/// `reclaim[]` and its "memory to spare").
///
/// The figures are the plan's own (docs/planning.md, "The figures"): with
/// `pool: true` a standby's minimum is its floor (kernel + resident jobs), and
/// the pool after start-up holds the larger of the reserve minimum and the
/// machine's `reserve`; with `pool: false` each standby holds what it must
/// supply in its worst case and the pool only the `reserve`. Nothing here
/// simulates a case: the layout is read off figures the plan's one pass made.
public struct LeastLayout: Sendable, Hashable {
    /// The machine's name.
    public var machine: String
    /// The machine's position in the spec.
    public var index: Int
    /// The least memory: the machine's fluid total.
    public var memory: Int
    /// The machine's memory less its fluid total, when that is positive.
    public var spare: Int
    /// Each standby whose allocation changes, then the machine's memory; empty
    /// when the spec already has the least layout.
    public var edits: [Advice.Edit]

    /// The least layout of machine `m` of `compiled`, planned as `plan`.
    public static func of(_ plan: MachinePlan, in compiled: CompiledSpec, machine m: Int) -> LeastLayout? {
        guard m < compiled.machines.count else { return nil }
        let machine = compiled.machines[m].machine
        guard machine.name == plan.name else { return nil }
        var edits: [Advice.Edit] = []
        // The plan lists the standbys in document order.
        var figures = plan.standbys.makeIterator()
        for (o, os) in machine.oses.enumerated() where os.role == .standby {
            guard let figure = figures.next(), figure.name == os.name else { return nil }
            // An allocation below the floor grows to it at start-up, so it is
            // the floor already; any other allocation is written as the minimum.
            let atMinimum = os.memory == figure.minimum || (os.memory < figure.minimum && figure.allocated == figure.minimum)
            if !atMinimum {
                edits.append(.osMemory(os, of: machine.name, at: (m, o), to: figure.minimum))
            }
        }
        if machine.memory != plan.fluidTotal {
            edits.append(.machineMemory(machine, at: m, to: plan.fluidTotal))
        }
        return LeastLayout(
            machine: machine.name, index: m, memory: plan.fluidTotal,
            spare: max(0, machine.memory - plan.fluidTotal), edits: edits)
    }

    /// `spec` with this layout written into it.
    public func applied(to spec: Spec) -> Spec { Advice.Edit.apply(edits, to: spec) }
}

/// The memory a machine holds beyond its least layout, and the change that
/// gives it back (the plan report's "memory to spare"): the machine's memory
/// less its fluid total, reached by lowering its standbys to their minimum
/// and the machine to its fluid total. Every case memory can cover stays
/// covered (docs/advice.md proves it; the tests apply it and plan again).
public struct SpareMemory: Sendable, Hashable {
    /// The machine's name.
    public var machine: String
    /// The machine's position in the spec.
    public var index: Int
    /// What the change frees: the machine's memory less its fluid total.
    public var bytes: Int
    /// Each standby whose allocation changes, then the machine's memory.
    public var edits: [Advice.Edit]

    /// The spare memory of machine `m` of `compiled`, planned as `plan`; `nil`
    /// when it has none.
    public static func of(_ plan: MachinePlan, in compiled: CompiledSpec, machine m: Int) -> SpareMemory? {
        guard let layout = LeastLayout.of(plan, in: compiled, machine: m), layout.spare > 0 else { return nil }
        return SpareMemory(machine: layout.machine, index: m, bytes: layout.spare, edits: layout.edits)
    }

    /// `spec` with this change written into it.
    public func applied(to spec: Spec) -> Spec { Advice.Edit.apply(edits, to: spec) }
}

extension Advice.Edit {
    /// `spec` with `edits` written into it (edits that name no entity of it are skipped).
    static func apply(_ edits: [Advice.Edit], to spec: Spec) -> Spec {
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

extension Spec {
    /// The places where a machine's or an OS's size is written that another
    /// size of the spec reads too (an anchor and its aliases): editing the
    /// value there would change every entry that reads it. One pass over the
    /// machines and OSes (jobs' sizes are not edited, and not looked at).
    func sharedSizeLocations() -> Set<SourceLocation> {
        var seen: Set<SourceLocation> = []
        var shared: Set<SourceLocation> = []
        func note(_ at: SourceLocation?) {
            guard let at else { return }
            if !seen.insert(at).inserted { shared.insert(at) }
        }
        for machine in machines {
            note(machine.memoryLocation)
            note(machine.monitorLocation)
            note(machine.reserveLocation)
            for os in machine.oses {
                note(os.memoryLocation)
                note(os.kernelLocation)
            }
        }
        return shared
    }
}
