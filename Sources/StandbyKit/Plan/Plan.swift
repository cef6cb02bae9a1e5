/// The result of planning (docs/model.md, "Planning: every single fault"): every
/// simulated fault of every machine, the memory figures per machine, and the
/// fleet's totals.
///
/// Field names map one to one onto the plan exports: `footprint` is
/// `footprint_bytes`, `reserveMinimum` is `reserve_minimum_bytes`, and so on.
/// Sizes are whole bytes. The compiler rejects a spec any of whose figures
/// could pass 2^63−1 bytes (`total-too-large`, see `docs/planning.md`).
public struct Plan: Sendable, Hashable {
    /// The fault kinds simulated, without repeats, in ``FaultKind`` order.
    public var faults: [FaultKind]
    /// Machines in document order.
    public var machines: [MachinePlan]
    /// Sums over the machines.
    public var totals: FleetTotals

    /// A plan of these parts; ``Planner/plan(_:faults:)`` makes the real one,
    /// and `totals` should be the machines' sums.
    public init(faults: [FaultKind], machines: [MachinePlan], totals: FleetTotals) {
        self.faults = faults
        self.machines = machines
        self.totals = totals
    }

    /// Whether every simulated case of every machine is covered.
    public var covered: Bool { machines.allSatisfy { $0.cases.allSatisfy(\.covered) } }

    /// Every case of every machine, in report order.
    public var cases: [FaultCase] { machines.flatMap(\.cases) }

    /// The case with this id (`machine/kind/target`, …), if it was simulated.
    public func faultCase(id: String) -> FaultCase? {
        let machine = id.split(separator: "/", maxSplits: 1).first.map(String.init) ?? id
        return machines.first { $0.name == machine }?.cases.first { $0.id == id }
    }
}

/// The fleet's figures: each is the sum of the same figure over every machine,
/// except ``savingsPercent``, which is the fleet's savings over the fleet's
/// duplicate total.
public struct FleetTotals: Sendable, Hashable {
    /// Σ ``MachinePlan/footprint``: what the active OSes and their jobs hold
    /// after start-up, in bytes.
    public var footprint: Int
    /// Σ ``MachinePlan/reserveMinimum``: the pool every machine must keep after
    /// start-up for its coverable cases, in bytes.
    public var reserveMinimum: Int
    /// Σ ``MachinePlan/fluidTotal``: the least memory of the fleet with which
    /// every case memory can cover is covered, in bytes.
    public var fluidTotal: Int
    /// Σ ``MachinePlan/duplicateTotal``: the memory of the usual layout, each
    /// standby as large as the largest active it protects, in bytes.
    public var duplicateTotal: Int
    /// Σ ``MachinePlan/staticTotal``: each standby sized for its copies with
    /// nothing handed over, in bytes.
    public var staticTotal: Int
    /// duplicate total − fluid total, in bytes: what the fluid layout saves
    /// the fleet (negative when it costs more).
    public var savings: Int
    /// ``savings`` over ``duplicateTotal``, in tenths of a percent.
    public var savingsPercent: RoundedPercent

    /// Totals of these figures; the planner sums them over the machines.
    public init(
        footprint: Int, reserveMinimum: Int, fluidTotal: Int, duplicateTotal: Int, staticTotal: Int,
        savings: Int, savingsPercent: RoundedPercent
    ) {
        self.footprint = footprint
        self.reserveMinimum = reserveMinimum
        self.fluidTotal = fluidTotal
        self.duplicateTotal = duplicateTotal
        self.staticTotal = staticTotal
        self.savings = savings
        self.savingsPercent = savingsPercent
    }
}

/// A share shown as a percentage with one decimal (`38.5`), kept as a whole
/// number of tenths of a percent so that it is exact and compares exactly.
public struct RoundedPercent: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Tenths of a percent: 385 is 38.5 %.
    public var tenths: Int

    /// The percentage of `tenths` tenths of a percent (385 is 38.5 %).
    public init(tenths: Int) { self.tenths = tenths }

    /// `part / whole` in tenths of a percent, rounded half away from zero; 0 when
    /// `whole` is not above 0. Exact (128-bit intermediate); stops at the
    /// largest or smallest `Int` rather than trapping.
    public init(part: Int, of whole: Int) {
        guard whole > 0, part != 0 else {
            self.tenths = 0
            return
        }
        let magnitude = part.magnitude
        // Above this the quotient could not fit an Int once multiplied by 1000.
        if magnitude / UInt(whole) >= UInt(Int.max / 1000) {
            self.tenths = part < 0 ? Int.min : Int.max
            return
        }
        let product = magnitude.multipliedFullWidth(by: 1000)
        let (q, r) = UInt(whole).dividingFullWidth(product)
        let rounded = Int(q) + (r >= UInt(whole) - r ? 1 : 0)
        self.tenths = part < 0 ? -rounded : rounded
    }

    /// The number as the exports print it: `38.5`, `0.0`, `-2.5`.
    public var description: String {
        let sign = tenths < 0 ? "-" : ""
        let m = tenths.magnitude
        return "\(sign)\(m / 10).\(m % 10)"
    }

    /// Whether `a` is the smaller share.
    public static func < (a: Self, b: Self) -> Bool { a.tenths < b.tenths }
}

/// The plan of one machine: its figures (every size in bytes), its OSes'
/// figures and every case simulated on it.
public struct MachinePlan: Sendable, Hashable {
    /// The machine's name, as in the spec.
    public var name: String
    /// The machine's memory.
    public var memory: Int
    /// The monitor's own area.
    public var monitor: Int
    /// The pool after start-up (the `unallocated` region of the final table).
    public var pool: Int
    /// Σ footprint over the machine's active OSes.
    public var footprint: Int
    /// The least the pool must hold after start-up for every coverable case to be
    /// covered with every standby at its minimum (0 with `pool: false`).
    public var reserveMinimum: Int
    /// monitor + Σ footprint(active) + Σ min(standby) + the larger of the
    /// reserve minimum and the machine's `reserve`: the least layout's
    /// memory. At this memory, with every standby at its minimum, every case
    /// memory can cover is covered; one granule less and something is short.
    public var fluidTotal: Int
    /// monitor + Σ footprint(active) + Σ over standbys of the largest footprint
    /// among the actives each protects (never below kernel + resident jobs).
    public var duplicateTotal: Int
    /// monitor + Σ footprint(active) + Σ over standbys of kernel + resident jobs +
    /// the largest copy set one protected active sends it.
    public var staticTotal: Int
    /// duplicate total − fluid total (negative when the fluid layout costs more).
    public var savings: Int
    /// ``savings`` over ``duplicateTotal``.
    public var savingsPercent: RoundedPercent
    /// Standby OSes in document order.
    public var standbys: [StandbyFigure]
    /// Active OSes in document order.
    public var actives: [ActiveFigure]
    /// Every simulated case, in report order.
    public var cases: [FaultCase]
    /// Jobs of this machine that some simulated case loses although they are
    /// hot-standby, and that no memory could bring back (their standby stopped
    /// with them, or a policy stops them). They are left out of the reserve
    /// minimum. Document order, without repeats.
    public var unrecoverableJobs: [String]

    /// A machine's plan of these figures; the planner makes the real ones.
    public init(
        name: String, memory: Int, monitor: Int, pool: Int, footprint: Int, reserveMinimum: Int,
        fluidTotal: Int, duplicateTotal: Int, staticTotal: Int, savings: Int,
        savingsPercent: RoundedPercent, standbys: [StandbyFigure], actives: [ActiveFigure],
        cases: [FaultCase], unrecoverableJobs: [String]
    ) {
        self.name = name
        self.memory = memory
        self.monitor = monitor
        self.pool = pool
        self.footprint = footprint
        self.reserveMinimum = reserveMinimum
        self.fluidTotal = fluidTotal
        self.duplicateTotal = duplicateTotal
        self.staticTotal = staticTotal
        self.savings = savings
        self.savingsPercent = savingsPercent
        self.standbys = standbys
        self.actives = actives
        self.cases = cases
        self.unrecoverableJobs = unrecoverableJobs
    }

    /// The case with this id, if it was simulated on this machine.
    public func faultCase(id: String) -> FaultCase? { cases.first { $0.id == id } }
}

/// The figures of one standby OS.
public struct StandbyFigure: Sendable, Hashable {
    /// The standby OS's name, on the plan's machine.
    public var name: String
    /// Its kernel.
    public var kernel: Int
    /// Σ regions of the jobs that run on it.
    public var resident: Int
    /// What it holds after start-up: its own region plus its resident jobs' regions.
    public var allocated: Int
    /// `min(S)`, in whole granules: with `pool: true` its floor, kernel +
    /// resident (what its copies need beyond what is handed to them comes
    /// from the pool); with `pool: false` the floor + the most it must supply
    /// beyond what is handed to it in any simulated case.
    public var minimum: Int
    /// The active OSes it protects (`machine/os` when on another machine), in
    /// document order.
    public var protects: [String]

    /// A standby's figures; the planner makes the real ones.
    public init(name: String, kernel: Int, resident: Int, allocated: Int, minimum: Int, protects: [String]) {
        self.name = name
        self.kernel = kernel
        self.resident = resident
        self.allocated = allocated
        self.minimum = minimum
        self.protects = protects
    }
}

/// The figures of one active OS.
public struct ActiveFigure: Sendable, Hashable {
    /// The active OS's name, on the plan's machine.
    public var name: String
    /// Its own region plus its job regions after start-up.
    public var footprint: Int
    /// The standbys its hot-standby jobs fail over to (`machine/os` when on
    /// another machine), in the order its jobs first name them.
    public var protectedBy: [String]

    /// An active OS's figures; the planner makes the real ones.
    public init(name: String, footprint: Int, protectedBy: [String]) {
        self.name = name
        self.footprint = footprint
        self.protectedBy = protectedBy
    }
}

/// One simulated single fault and what came of it.
///
/// Names of jobs and OSes are relative to the case's machine: a plain name on
/// that machine, `machine/name` on another.
public struct FaultCase: Sendable, Hashable, Identifiable {
    /// `machine/kind/target`, plus `/severity` for `job`; `machine/machine` for `machine`.
    public var id: String
    /// The machine the fault happens on.
    public var machine: String
    /// What fails: an OS, a job, a standby, an OS's memory or the machine.
    public var kind: FaultKind
    /// The failed OS (`os`, `memory`, `standby`), job (`job`) or machine (`machine`).
    public var target: String
    /// The severity of a `job` case.
    public var severity: Severity?
    /// The job's action at that severity, for a `job` case.
    public var action: JobFaultAction?
    /// Whether every hot-standby job the fault touches runs again.
    public var covered: Bool
    /// Bytes the standbys' copies needed and could not find anywhere.
    public var shortfall: Int
    /// Bytes all pools gave together.
    public var poolDraw: Int
    /// Jobs that stop and do not run again, in document order: ordinary jobs of a
    /// failed OS, stopped jobs, and hot-standby jobs that could not be taken over.
    public var lostJobs: [String]
    /// Hot-standby jobs whose copies started on a standby, in document order.
    public var takenOver: [String]
    /// Hot-standby jobs whose standby is down in this case (`standby` and
    /// `machine` cases), in document order: they run on, unprotected.
    public var unprotectedJobs: [String]
    /// Σ memory of ``unprotectedJobs``.
    public var unprotectedMemory: Int
    /// Per machine whose pool could not make up what its standbys lacked, why
    /// and what would cover it; empty when ``shortfall`` is 0.
    public var shortages: [Shortage]
    /// Hot-standby jobs no memory can bring back in this case.
    public var unrecoverable: [UnrecoverableJob]

    /// A case of these parts; the planner makes the real ones, whose `id` is
    /// ``id(machine:kind:target:severity:)``.
    public init(
        id: String, machine: String, kind: FaultKind, target: String, severity: Severity? = nil,
        action: JobFaultAction? = nil, covered: Bool, shortfall: Int = 0, poolDraw: Int = 0,
        lostJobs: [String] = [], takenOver: [String] = [], unprotectedJobs: [String] = [],
        unprotectedMemory: Int = 0, shortages: [Shortage] = [], unrecoverable: [UnrecoverableJob] = []
    ) {
        self.init(
            CaseRecord<String, [String]>(
                id: id, machine: machine, kind: kind, target: target, severity: severity, action: action,
                covered: covered, shortfall: shortfall, poolDraw: poolDraw, lostJobs: lostJobs, takenOver: takenOver,
                unprotectedJobs: unprotectedJobs, unprotectedMemory: unprotectedMemory, shortages: shortages,
                unrecoverable: unrecoverable))
    }

    /// The case as the exports write it (``CaseRecord``).
    var record: CaseRecord<String, [String]> {
        CaseRecord(
            id: id, machine: machine, kind: kind, target: target, severity: severity, action: action,
            covered: covered, shortfall: shortfall, poolDraw: poolDraw, lostJobs: lostJobs, takenOver: takenOver,
            unprotectedJobs: unprotectedJobs, unprotectedMemory: unprotectedMemory, shortages: shortages,
            unrecoverable: unrecoverable)
    }

    /// The id of a case: `machine/kind/target[/severity]`, or `machine/machine`;
    /// every case id in every report is built this one way.
    public static func id(machine: String, kind: FaultKind, target: String, severity: Severity? = nil) -> String {
        var id = ""
        CaseID.write(
            machine: machine, kind: kind, target: target, severity: kind == .job ? severity ?? .light : nil,
            name: { id += $0 }, spelling: { id += $0.description })
        return id
    }
}

/// Why a case is short on one machine, and what would cover it.
public struct Shortage: Sendable, Hashable {
    /// The machine whose standbys lacked memory.
    public var machine: String
    /// What its pool held at failover: the unallocated memory plus ``released``.
    public var held: Int
    /// What the fault released into that pool.
    public var released: Int
    /// What the pool gave (0 with `pool: false`).
    public var draw: Int
    /// What was still missing.
    public var shortfall: Int
    /// The pool the machine would need after start-up for this case, beyond
    /// what the fault releases (for instance `reserve:` of that much, with the
    /// machine's memory raised to match); `nil` with `pool: false`.
    public var requiredPool: Int?
    /// The machine's standbys that needed memory from the pool, in document order.
    public var standbys: [StandbyShortage]
    /// The least memory of the machine with which this case leaves nothing
    /// short on it, the pool after start-up still holding the machine's
    /// `reserve`: with `pool: true` the pool raised to ``requiredPool`` (in
    /// whole granules); with `pool: false` the standbys raised to their
    /// ``StandbyShortage/coveringAllocation``. Its memory as it is when that
    /// much already fits.
    public var coveringMemory: Int
    /// The machine's memory as the spec has it (what ``coveringMemory`` raises).
    public var memory: Int

    /// A shortage of these figures; the planner makes the real ones.
    public init(
        machine: String, held: Int, released: Int, draw: Int, shortfall: Int, requiredPool: Int?,
        standbys: [StandbyShortage], coveringMemory: Int, memory: Int
    ) {
        self.machine = machine
        self.held = held
        self.released = released
        self.draw = draw
        self.shortfall = shortfall
        self.requiredPool = requiredPool
        self.standbys = standbys
        self.coveringMemory = coveringMemory
        self.memory = memory
    }
}

/// One standby that needed memory from its pool in a short case.
public struct StandbyShortage: Sendable, Hashable {
    /// The standby (a name on the shortage's machine).
    public var standby: String
    /// Σ standby_memory of the copies it had to start.
    public var need: Int
    /// Its free memory before the fault (own region − kernel).
    public var free: Int
    /// Bytes handed to it.
    public var handed: Int
    /// What it drew from the pool.
    public var drawn: Int
    /// need − free − handed.
    public var missing: Int
    /// Copies that could not start (relative to the case's machine), in document order.
    public var shortJobs: [String]
    /// The allocation (`memory:`) at which it would need nothing from the pool in
    /// this case: what it holds now plus ``missing``, in whole granules.
    public var coveringAllocation: Int

    /// A standby's shortage of these figures; the planner makes the real ones.
    public init(
        standby: String, need: Int, free: Int, handed: Int, drawn: Int, missing: Int, shortJobs: [String],
        coveringAllocation: Int
    ) {
        self.standby = standby
        self.need = need
        self.free = free
        self.handed = handed
        self.drawn = drawn
        self.missing = missing
        self.shortJobs = shortJobs
        self.coveringAllocation = coveringAllocation
    }
}

/// A hot-standby job that no memory can bring back in a case.
public struct UnrecoverableJob: Sendable, Hashable {
    /// Why nothing can take it over.
    public enum Reason: Sendable, Hashable {
        /// Its standby stopped in the same fault (it is on the failed machine).
        case standbyDown(standby: String)
        /// Its policy stops it at this severity.
        case stoppedByPolicy
        /// Its standby names no OS of the spec.
        case noStandby
    }

    /// The job (relative to the case's machine).
    public var job: String
    /// Why nothing can take it over.
    public var reason: Reason

    /// The job `job`, lost for `reason`.
    public init(job: String, reason: Reason) {
        self.job = job
        self.reason = reason
    }
}
