/// The least-memory change of a spec (``LeastMemory/fix(_:faults:)``),
/// machine by machine, with what planning the changed spec says of it.
public struct Advice: Sendable {
    /// The spec as written.
    public var original: Spec
    /// The spec with every change applied.
    public var fixed: Spec
    /// The machines that change, in document order.
    public var machines: [MachineChange]
    /// The cases the changed spec still leaves uncovered, in plan order: only
    /// cases no memory brings back (``FaultCase/unrecoverable`` is not empty)
    /// when the change is proven.
    public var uncoverable: [FaultCase]
    /// Whether planning the changed spec proves the change: every case is
    /// covered, or loses only jobs no memory brings back and is short of nothing.
    public var isProven: Bool

    /// One value the change writes (a raise, or with `--reclaim` a lowering too).
    public struct Edit: Sendable, Hashable {
        /// What changes, as a path in the spec: `machines/<m>/memory` or
        /// `machines/<m>/oses/<os>/memory` (names, not positions).
        public var target: String
        /// The machine's position in the spec's machines.
        public var machine: Int
        /// The OS's position in the machine's OSes; `nil` for the machine's own memory.
        public var os: Int?
        /// The value as the spec has it, in bytes.
        public var from: Int
        /// The value the change writes, in bytes.
        public var to: Int
        /// Where the value is written, when it is (a value from an anchor is
        /// located where the anchor defines it).
        public var location: SourceLocation?
    }

    /// One machine that changes and what the change does for its cases.
    public struct MachineChange: Sendable, Hashable {
        /// The machine's name.
        public var machine: String
        /// Its position in the spec's machines.
        public var index: Int
        /// Its standbys' allocations first, then its memory.
        public var edits: [Edit]
        /// The cases simulated on this machine.
        public var cases: Int
        /// How many of ``cases`` are covered after the change (all but those no
        /// memory brings back, when the change is proven).
        public var coveredCases: Int
        /// The cases of the whole fleet that were short on this machine (the
        /// cases its raise is for), and how many of those are other machines'
        /// (their copies start on its standbys); 0 when the change is for
        /// start-up alone, or gives memory back.
        public var shortCases: Int = 0
        /// How many of ``shortCases`` happen on other machines: their copies
        /// start on this machine's standbys.
        public var othersShortCases: Int = 0
    }

    /// The change from `original` to `fixed`, proven by planning `compiled`
    /// (`fixed`, compiled) machine by machine: only the uncovered cases are
    /// kept, so a fleet's plan is never held whole.
    init(original: Spec, fixed: Spec, compiled: CompiledSpec, faults: [FaultKind]?) {
        var uncoverable: [FaultCase] = []
        var proven = true
        var counts: [String: (cases: Int, covered: Int)] = [:]
        Planner.forEachMachine(Planner.figures(compiled, faults: faults)) { m in
            var covered = 0
            for c in m.cases {
                if c.covered {
                    covered += 1
                } else {
                    uncoverable.append(c)
                    if c.shortfall > 0 || c.unrecoverable.isEmpty { proven = false }
                }
            }
            counts[m.name] = (m.cases.count, covered)
        }
        self.init(original: original, fixed: fixed, uncoverable: uncoverable, isProven: proven) { counts[$0] ?? (0, 0) }
    }

    /// The raise `fixed` makes on `original`, the spec `figures` planned, told
    /// from those figures alone (no case is simulated again): after a fix,
    /// a case stays uncovered exactly when it loses a hot-standby job that no
    /// memory brings back (docs/advice.md, "Proof"; the tests plan the fixed
    /// spec again to check it). The uncovered cases themselves are the plan's
    /// and are not listed here.
    init(original: Spec, fixed: Spec, figures: PlanFigures) {
        var counts: [String: (cases: Int, covered: Int)] = [:]
        for (m, machine) in original.machines.enumerated() where m < figures.machineCount {
            let cases = figures.casesByMachine[m]
            counts[machine.name] = (cases, cases - figures.beyondMemoryByMachine[m])
        }
        self.init(original: original, fixed: fixed, uncoverable: [], isProven: true) { counts[$0] ?? (0, 0) }
        noteShortCases(figures)
    }

    /// The change from `original` to `fixed` with nothing said of the cases
    /// (what `runway --fix` writes: the memory for the horizon, which today's
    /// plan does not prove).
    init(original: Spec, fixed: Spec) {
        self.init(original: original, fixed: fixed, uncoverable: [], isProven: false) { _ in (0, 0) }
    }

    /// Records, per machine change, the cases `figures` (the spec before
    /// the change, every job starting) found short on that machine.
    mutating func noteShortCases(_ figures: PlanFigures) {
        for c in machines.indices where machines[c].index < figures.machineCount {
            let m = machines[c].index
            machines[c].shortCases = figures.shortOnByMachine[m]
            machines[c].othersShortCases = figures.othersShortOnByMachine[m]
        }
    }

    private init(
        original: Spec, fixed: Spec, uncoverable: [FaultCase], isProven: Bool,
        counts: (String) -> (cases: Int, covered: Int)
    ) {
        self.original = original
        self.fixed = fixed
        self.uncoverable = uncoverable
        self.isProven = isProven
        var machines: [MachineChange] = []
        for (m, after) in fixed.machines.enumerated() {
            let before = original.machines[m]
            var edits: [Edit] = []
            for (o, os) in after.oses.enumerated() where os.memory != before.oses[o].memory {
                edits.append(.osMemory(before.oses[o], of: after.name, at: (m, o), to: os.memory))
            }
            if after.memory != before.memory {
                edits.append(.machineMemory(before, at: m, to: after.memory))
            }
            guard !edits.isEmpty else { continue }
            let count = counts(after.name)
            machines.append(
                MachineChange(
                    machine: after.name, index: m, edits: edits, cases: count.cases, coveredCases: count.covered))
        }
        self.machines = machines
    }
}

extension Advice.MachineChange {
    /// The change as one line for people, every name from the spec and the
    /// path made safe for a terminal:
    /// `vms50: memory 256 MiB → 384 MiB (spec.yaml:4:13) covers the case short on it`.
    package func sentence(path: String) -> String {
        Sentences.fix(self, path: path).plain
    }

    /// The change alone, without what it covers, for a change only partly
    /// written: `vms50: memory 256 MiB → 384 MiB (spec.yaml:4:13)`.
    package func editsSentence(path: String) -> String {
        ("\(name: machine): " + Sentences.edits(edits, path: path)).plain
    }
}

extension Advice.Edit {
    /// Machine `machine` (at position `m`)'s memory, from what it is to `to`.
    static func machineMemory(_ machine: Machine, at m: Int, to: Int) -> Self {
        Self(
            target: "machines/\(machine.name)/memory", machine: m, os: nil, from: machine.memory, to: to,
            location: machine.memoryLocation)
    }

    /// OS `os` of machine `machine` (at positions `at`)'s memory, from what it is to `to`.
    static func osMemory(_ os: OS, of machine: String, at: (machine: Int, os: Int), to: Int) -> Self {
        Self(
            target: "machines/\(machine)/oses/\(os.name)/memory", machine: at.machine, os: at.os, from: os.memory,
            to: to, location: os.memoryLocation)
    }
}
