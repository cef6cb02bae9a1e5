/// Stage: two planned specs → what the change from the first to the second
/// does to the plan (`standby diff OLD NEW`).
///
/// Machines are matched by name: a renamed machine is one removed and one
/// added. Per machine it gives the cases newly uncovered (uncovered in NEW and
/// not uncovered in OLD: covered there, or not simulated at all) and newly
/// covered, the figures before and after (its installed memory first), the
/// spec values written in either spec that differ and bear on that machine,
/// located in NEW, and, for a machine a newly uncovered case is short on, the
/// least-memory fix of NEW (``LeastMemory``, as `standby fix` writes it). A
/// case newly uncovered is a regression.
public struct PlanDiff: Sendable {
    /// What happened to one machine.
    public enum Change: String, Sendable {
        /// Only NEW has it.
        case added
        /// Only OLD has it.
        case removed
        /// Both have it, and something of it differs.
        case changed
    }

    /// One figure before and after; `nil` where the machine does not exist.
    public struct Figure: Sendable, Hashable {
        /// In OLD, in bytes.
        public var before: Int?
        /// In NEW, in bytes.
        public var after: Int?
        /// Whether the two differ (a machine added or removed changes every figure).
        public var changed: Bool { before != after }
    }

    /// A figure with its name in words and as the JSON exports spell it.
    public struct NamedFigure: Sendable, Hashable {
        /// In words, for text and Markdown: `fluid total`, or a standby's name.
        public var label: String
        /// As the JSON exports spell it: `fluid_total_bytes`.
        public var key: String
        /// Its value before and after.
        public var figure: Figure
    }

    /// A value of the spec that differs, by its path in the spec, located in
    /// NEW (in OLD for a value NEW removed).
    public struct ValueChange: Sendable, Hashable {
        /// The value's path by names: `machines/vms50/memory`, `policies/pool`.
        public var path: String
        /// The value in OLD, as an exact quantity for a size (`256Mi`); `nil`
        /// where OLD does not write it.
        public var old: String?
        /// The value in NEW, likewise; `nil` where NEW does not write it.
        public var new: String?
        /// Where NEW writes it (where OLD does, for a value NEW removed).
        public var location: SourceLocation?
    }

    /// One machine that differs in any way.
    public struct Machine: Sendable {
        /// The machine's name, in either spec.
        public var name: String
        /// Whether it was added, removed or changed.
        public var change: Change
        /// Its cases uncovered in NEW and not uncovered in OLD, in NEW's plan
        /// order: the regressions.
        public var newlyUncovered: [FaultCase]
        /// The ids of its cases uncovered in OLD and covered in NEW.
        public var newlyCovered: [String]
        /// Figures in a fixed order: memory (installed), footprint, reserve
        /// minimum, fluid, duplicate, static total, savings.
        public var figures: [NamedFigure]
        /// Each standby's minimum, by name, in NEW's order then OLD's.
        public var standbyMinimums: [NamedFigure]
        /// The spec values of this machine, its OSes and jobs that differ.
        public var values: [ValueChange]
        /// NEW's least-memory change of this machine, when a case newly
        /// uncovered is short on it (and memory covers it).
        public var fix: Advice.MachineChange?
    }

    /// The machines that differ: NEW's in its order, then those only OLD has,
    /// in OLD's order. (The renderers list those with a regression first.)
    public var machines: [Machine]
    /// Spec values that bear on every machine (the policies).
    public var policies: [ValueChange]
    /// OLD's fleet totals.
    public var before: FleetTotals
    /// NEW's fleet totals.
    public var after: FleetTotals
    /// The fleet's installed memory: Σ `memory` over the machines, before and after.
    public var memory: Figure
    /// NEW's least-memory fix, with the path NEW was read from, when NEW
    /// leaves a case uncovered that memory covers.
    public var fix: PlanFix?
    /// Whether some fleet total, or the fleet's memory, differs.
    public var totalsChanged: Bool { before != after || memory.changed }
    /// The number of cases newly uncovered over every machine.
    public var regressions: Int { machines.reduce(0) { $0 + $1.newlyUncovered.count } }
    /// The number of cases newly covered over every machine.
    public var newlyCovered: Int { machines.reduce(0) { $0 + $1.newlyCovered.count } }
    /// Whether the two specs plan the same: no machine and no policy differs.
    public var isEmpty: Bool { machines.isEmpty && policies.isEmpty }

    /// Compares the plans of two specs; `fix` is NEW's least-memory fix
    /// (``LeastMemory/fix(_:compiled:)`` on NEW's figures), which the machines
    /// newly short get. Cost: linear in the two plans (cases are matched
    /// through a dictionary by id, machines by name).
    public init(old: Plan, oldSpec: Spec, new: Plan, newSpec: Spec, fix: PlanFix? = nil) {
        before = old.totals
        after = new.totals
        memory = Figure(before: Self.memory(old), after: Self.memory(new))
        self.fix = fix
        policies = ValueChanges.policies(oldSpec.policies, newSpec.policies, location: newSpec.faultsLocation)
        let policies = (old: oldSpec.policies, new: newSpec.policies)
        let oldPlans = Dictionary(old.machines.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let oldSpecs = Dictionary(oldSpec.machines.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newNames = Set(new.machines.map(\.name))
        let newIndex = Dictionary(new.machines.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        var machines: [Machine] = []
        for (m, plan) in new.machines.enumerated() {
            let spec = newSpec.machines[m]
            let was = oldPlans[plan.name]
            let values = ValueChanges.machine(oldSpecs[plan.name], spec, policies: policies)
            let entry = Self.machine(plan.name, old: was, new: plan, values: values)
            if entry.change == .added || !entry.isUnchanged { machines.append(entry) }
        }
        for (m, plan) in old.machines.enumerated() where !newNames.contains(plan.name) {
            machines.append(
                Self.machine(
                    plan.name, old: plan, new: nil,
                    values: ValueChanges.machine(oldSpec.machines[m], nil, policies: policies)))
        }
        // The machines a case newly uncovered is short on get NEW's fix; one
        // that differs in nothing else is listed for it.
        var short = Set<String>()
        for m in machines {
            for c in m.newlyUncovered {
                for s in c.shortages where s.shortfall > 0 { short.insert(s.machine) }
            }
        }
        if let fix, !short.isEmpty {
            var listed = Set<String>()
            for i in machines.indices where machines[i].change != .removed {
                listed.insert(machines[i].name)
                if short.contains(machines[i].name) { machines[i].fix = fix.change(of: machines[i].name) }
            }
            for (m, plan) in new.machines.enumerated() where short.contains(plan.name) && !listed.contains(plan.name) {
                guard let change = fix.change(of: plan.name), let was = oldPlans[plan.name] else { continue }
                var entry = Self.machine(plan.name, old: was, new: plan, values: [])
                entry.fix = change
                // In NEW's order among the machines listed.
                let at = machines.firstIndex { other in
                    other.change != .removed && (newIndex[other.name] ?? Int.max) > m
                } ?? machines.firstIndex { $0.change == .removed } ?? machines.count
                machines.insert(entry, at: at)
            }
        }
        self.machines = machines
    }

    /// The fleet's installed memory, Σ `memory`: at most the fleet's bound on
    /// its totals (`FigureBounds`), and saturating rather than trapping.
    private static func memory(_ plan: Plan) -> Int {
        plan.machines.reduce(0) { satAdd($0, $1.memory) }
    }

    private static func machine(_ name: String, old: MachinePlan?, new: MachinePlan?, values: [ValueChange]) -> Machine {
        var uncoveredBefore = Set<String>()
        for c in old?.cases ?? [] where !c.covered { uncoveredBefore.insert(c.id) }
        let newlyUncovered = (new?.cases ?? []).filter { !$0.covered && !uncoveredBefore.contains($0.id) }
        var uncoveredAfter = Set<String>()
        var simulatedAfter = Set<String>()
        for c in new?.cases ?? [] {
            simulatedAfter.insert(c.id)
            if !c.covered { uncoveredAfter.insert(c.id) }
        }
        // Covered now, or no longer simulated because what failed is gone.
        let newlyCovered = (old?.cases ?? []).filter {
            !$0.covered && simulatedAfter.contains($0.id) && !uncoveredAfter.contains($0.id)
        }.map(\.id)
        func figure(_ value: (MachinePlan) -> Int) -> Figure { Figure(before: old.map(value), after: new.map(value)) }
        let figures = [
            NamedFigure(label: "memory", key: "memory_bytes", figure: figure(\.memory)),
            NamedFigure(label: "footprint", key: "footprint_bytes", figure: figure(\.footprint)),
            NamedFigure(label: "reserve minimum", key: "reserve_minimum_bytes", figure: figure(\.reserveMinimum)),
            NamedFigure(label: "fluid total", key: "fluid_total_bytes", figure: figure(\.fluidTotal)),
            NamedFigure(label: "duplicate total", key: "duplicate_total_bytes", figure: figure(\.duplicateTotal)),
            NamedFigure(label: "static total", key: "static_total_bytes", figure: figure(\.staticTotal)),
            NamedFigure(label: "savings", key: "savings_bytes", figure: figure(\.savings)),
        ]
        var standbys: [NamedFigure] = []
        for s in new?.standbys ?? [] {
            let before = old?.standbys.first { $0.name == s.name }?.minimum
            standbys.append(NamedFigure(label: s.name, key: "minimum_bytes", figure: Figure(before: before, after: s.minimum)))
        }
        for s in old?.standbys ?? [] where !(new?.standbys.contains { $0.name == s.name } ?? false) {
            standbys.append(NamedFigure(label: s.name, key: "minimum_bytes", figure: Figure(before: s.minimum, after: nil)))
        }
        return Machine(
            name: name, change: old == nil ? .added : new == nil ? .removed : .changed,
            newlyUncovered: newlyUncovered, newlyCovered: newlyCovered, figures: figures,
            standbyMinimums: standbys, values: values, fix: nil)
    }
}

extension PlanDiff.Machine {
    /// Nothing about the machine differs: no case, figure, minimum or value.
    var isUnchanged: Bool {
        change == .changed && newlyUncovered.isEmpty && newlyCovered.isEmpty && values.isEmpty
            && !figures.contains(where: \.figure.changed) && !standbyMinimums.contains(where: \.figure.changed)
    }
}
