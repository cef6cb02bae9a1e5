// `standby runway`: how many periods each machine lasts while its jobs grow,
// and the least memory that lasts the horizon (docs/runway.md states the
// question, every decision and the bound of the work).

/// The question: the rate every job grows by per period (a job's own
/// `growth:` overrides it), and how many periods to look ahead.
public struct RunwayQuestion: Sendable, Hashable {
    /// The rate every job grows by per period, compounded; a job's own
    /// `growth:` in the spec replaces it for that job.
    public var growth: GrowthRate
    /// Periods after today, 1 to ``maxHorizon``: a value outside is clamped
    /// to that range (the command line refuses it before it gets here).
    public var horizon: Int {
        didSet { horizon = Self.clamped(horizon) }
    }
    /// What the period is called (`month`): a name only, in the output.
    public var period: String

    /// The longest horizon `standby runway` accepts (100 years of months):
    /// each period costs one figures pass over the spec, so this bounds the work.
    public static let maxHorizon = 1200

    /// Growth at `growth` a period for `horizon` periods (1 to ``maxHorizon``,
    /// clamped to it; three years of months by default).
    public init(growth: GrowthRate, horizon: Int = 36, period: String = "month") {
        self.growth = growth
        self.horizon = Self.clamped(horizon)
        self.period = period
    }

    private static func clamped(_ horizon: Int) -> Int { min(max(horizon, 1), maxHorizon) }
}

/// Why a machine runs out at its period.
public enum RunwayLimit: Sendable, Hashable {
    /// A job of the machine cannot start: its OS lacks `shortfall` bytes more
    /// than the pool above the reserve can give.
    case start(job: String, shortfall: Int)
    /// A case (of any machine) leaves `shortfall` bytes short on the
    /// machine's pool or standbys: the most short such case, the first in plan
    /// order among equals.
    case shortCase(id: String, shortfall: Int)
    /// A grown size, or a sum the planner bounds, would pass 2^63−1 bytes.
    case tooLarge

    /// The reason's name in the JSON and CSV outputs.
    public var kind: String {
        switch self {
        case .start: "start"
        case .shortCase: "case"
        case .tooLarge: "too-large"
        }
    }

    /// The bytes short (0 for ``tooLarge``).
    public var shortfall: Int {
        switch self {
        case .start(_, let s), .shortCase(_, let s): s
        case .tooLarge: 0
        }
    }
}

/// A standby OS raised so that its machine lasts the horizon (`pool: false`).
public struct RunwayStandby: Sendable, Hashable {
    /// The standby OS, on the machine whose answer lists it.
    public var name: String
    /// Its allocation today, in bytes.
    public var from: Int
    /// The allocation with which its machine lasts the horizon, in bytes.
    public var to: Int
}

/// The answer for one machine.
public struct MachineRunway: Sendable, Hashable {
    /// The machine's name.
    public var name: String
    /// Its memory today.
    public var memory: Int
    /// The first period (0 is today) at which a job of it cannot start or a
    /// case leaves a shortfall on it; `nil` when it lasts the horizon.
    public var runsOutAfter: Int?
    /// Why, at that period.
    public var limit: RunwayLimit?
    /// The least memory, never below today's, with which it lasts every
    /// period up to the horizon; `nil` past 2^63−1 bytes.
    public var memoryForHorizon: Int?
    /// With `pool: false`: the standbys that must grow too, as `fix` grows them.
    public var standbys: [RunwayStandby]
}

/// The answer for the fleet.
public struct Runway: Sendable, Hashable {
    /// The question answered.
    public var question: RunwayQuestion
    /// In document order.
    public var machines: [MachineRunway]

    /// The first period at which some machine runs out; `nil` when every
    /// machine lasts the horizon.
    public var runsOutAfter: Int? { machines.compactMap(\.runsOutAfter).min() }

    /// Σ memory for the horizon; `nil` when some machine's is unknown or the
    /// sum passes 2^63−1 bytes.
    public var memoryForHorizon: Int? {
        var total = 0
        for machine in machines {
            guard let m = machine.memoryForHorizon else { return nil }
            let (sum, o) = total.addingReportingOverflow(m)
            if o { return nil }
            total = sum
        }
        return total
    }

    /// The machines that run out, the earliest first (then in document order).
    public var runningOut: [MachineRunway] {
        machines.enumerated().filter { $0.element.runsOutAfter != nil }
            .sorted { a, b in
                let (x, y) = (a.element.runsOutAfter ?? 0, b.element.runsOutAfter ?? 0)
                return x != y ? x < y : a.offset < b.offset
            }
            .map(\.element)
    }
}

/// Stage: spec → runway.
///
/// **Cost.** Per period, the spec is grown (one pass over the jobs), each
/// machine's start-up is checked (one pass over its jobs), and one figures
/// pass of the planner simulates every case once, on every core, with no case
/// kept or named: each case touches only the machines its copies reach, and
/// the pass records, per machine, the largest shortfall on it and the case's
/// place, so only the case that limits a machine is simulated again to name
/// it, once per machine. The work is (horizon + 1) × (jobs + cases) for
/// `pool: true`; with `pool: false`, whose standbys grow too, at most
/// `sweeps` times that. The output is one record per machine.
public enum RunwayPlanner {
    /// The most sweeps over the periods with `pool: false` (the first finds
    /// the limits and the standbys' growth; each next one the machines'
    /// memory with the standbys grown, until nothing more grows).
    static let sweeps = 4

    /// The runway of `spec`, or the diagnostics of a spec that has errors
    /// (a job that cannot start today is not one: the machine runs out at 0).
    public static func answer(
        _ spec: Spec, _ question: RunwayQuestion, faults: [FaultKind]? = nil
    ) -> Result<Runway, DiagnosticsError> {
        let validation = Validator.validate(spec)
        if validation.hasErrors { return .failure(DiagnosticsError(validation)) }
        let bounds = FigureBounds.check(spec)
        if bounds.hasErrors { return .failure(DiagnosticsError(bounds)) }

        var first = Sweep(spec, question: question, faults: faults)
        first.run(recordLimits: true)
        var machines: [MachineRunway] = spec.machines.indices.map { m in
            MachineRunway(
                name: spec.machines[m].name, memory: spec.machines[m].memory, runsOutAfter: first.runsOut[m],
                limit: first.limits[m], memoryForHorizon: first.tooLarge[m] ? nil : max(spec.machines[m].memory, first.need[m]),
                standbys: [])
        }
        // `pool: false`: the standbys grow as `fix` grows them, the most over
        // the periods; the machines' memory is then found with them grown.
        var allocations = first.allocations
        var sweep = 1
        while allocations != spec.machines.map({ $0.oses.map(\.memory) }) && sweep < sweeps {
            var grownSpec = spec
            for m in grownSpec.machines.indices {
                for o in grownSpec.machines[m].oses.indices {
                    grownSpec.machines[m].oses[o].memory = allocations[m][o]
                }
            }
            var next = Sweep(grownSpec, question: question, faults: faults)
            next.run(recordLimits: false)
            for m in machines.indices {
                machines[m].memoryForHorizon =
                    next.tooLarge[m] || first.tooLarge[m] ? nil : max(spec.machines[m].memory, next.need[m])
            }
            let stable = next.allocations == allocations
            allocations = zip(allocations, next.allocations).map { zip($0, $1).map { max($0, $1) } }
            sweep += 1
            if stable { break }
        }
        for m in machines.indices {
            for (o, os) in spec.machines[m].oses.enumerated() where allocations[m][o] != os.memory {
                machines[m].standbys.append(RunwayStandby(name: os.name, from: os.memory, to: allocations[m][o]))
            }
        }
        return .success(Runway(question: question, machines: machines))
    }

    /// What `runway --fix` writes, for ``SpecEditor/apply(_:to:)``: every
    /// machine's memory for the horizon (and its standbys grown).
    public static func advice(_ runway: Runway, for spec: Spec) -> Advice {
        Advice(original: spec, fixed: applied(runway, to: spec))
    }

    /// The spec with every machine's memory for the horizon (and, with
    /// `pool: false`, its standbys grown): what `runway --fix` writes.
    public static func applied(_ runway: Runway, to spec: Spec) -> Spec {
        var fixed = spec
        for (m, machine) in runway.machines.enumerated() where m < fixed.machines.count {
            if let memory = machine.memoryForHorizon { fixed.machines[m].memory = memory }
            for standby in machine.standbys {
                for o in fixed.machines[m].oses.indices where fixed.machines[m].oses[o].name == standby.name {
                    fixed.machines[m].oses[o].memory = standby.to
                }
            }
        }
        return fixed
    }
}

/// One walk over the periods: the spec grown period by period, planned with
/// the figures pass, each machine's limit and need recorded.
struct Sweep {
    let base: Spec
    let question: RunwayQuestion
    let faults: [FaultKind]?
    /// Per machine: the first period it runs out at, and why.
    var runsOut: [Int?]
    var limits: [RunwayLimit?]
    /// Per machine: the most memory any period needs (`fix`'s rules).
    var need: [Int]
    /// Per machine, per OS: the most allocation any period needs (standbys
    /// with `pool: false`; every other OS as written).
    var allocations: [[Int]]
    /// Per machine: a size past 2^63−1 bytes; its jobs keep their last sizes.
    var tooLarge: [Bool]

    init(_ base: Spec, question: RunwayQuestion, faults: [FaultKind]?) {
        self.base = base
        self.question = question
        self.faults = faults
        runsOut = Array(repeating: nil, count: base.machines.count)
        limits = Array(repeating: nil, count: base.machines.count)
        need = base.machines.map(\.memory)
        allocations = base.machines.map { $0.oses.map(\.memory) }
        tooLarge = Array(repeating: false, count: base.machines.count)
    }

    mutating func run(recordLimits: Bool) {
        // Each job's sizes in whole bytes before rounding, grown from the spec's.
        var raw: [[[(memory: Int, copy: Int)]]] = base.machines.map { machine in
            machine.oses.map { os in os.jobs.map { ($0.memory, $0.standbyMemory) } }
        }
        var grown = base
        for t in 0...question.horizon {
            // A period whose planned sizes are all those of the one before
            // (rates of 0%, sizes that stay within their granule) plans the
            // same: nothing new to find.
            if t > 0 && !grow(&raw, into: &grown, period: t, recordLimits: recordLimits) { continue }
            // Every machine past 2^63−1 bytes: nothing is left to find.
            if !tooLarge.contains(false) { return }
            var planned = grown
            var cannotStart: [(job: String, shortfall: Int)?] = Array(repeating: nil, count: grown.machines.count)
            for m in grown.machines.indices where !tooLarge[m] {
                guard let blocked = Self.firstCannotStart(grown.machines[m]) else { continue }
                cannotStart[m] = blocked
                // Raised until every job starts (the rule of `fix`): its own
                // cases then plan, and no other machine's case depends on it.
                guard let least = LeastMemory.startUpMinimum(grown.machines[m], policies: grown.policies) else {
                    markTooLarge(m, period: t, recordLimits: recordLimits)
                    continue
                }
                planned.machines[m].memory = max(planned.machines[m].memory, least)
            }
            let (compiled, _) = Compiler.compile(planned)
            guard let compiled else {
                // A sum the planner bounds would pass 2^63−1 bytes: the
                // question ends here for every machine still lasting.
                for m in grown.machines.indices { markTooLarge(m, period: t, recordLimits: recordLimits) }
                return
            }
            let figures = Planner.figures(compiled, faults: faults)
            let (fixed, overflow) = LeastMemory.raised(figures, compiled)
            for m in overflow { markTooLarge(m, period: t, recordLimits: recordLimits) }
            for m in grown.machines.indices where !tooLarge[m] {
                need[m] = max(need[m], fixed.machines[m].memory)
                for o in fixed.machines[m].oses.indices {
                    allocations[m][o] = max(allocations[m][o], fixed.machines[m].oses[o].memory)
                }
                guard recordLimits, runsOut[m] == nil else { continue }
                if let blocked = cannotStart[m] {
                    runsOut[m] = t
                    limits[m] = .start(job: blocked.job, shortfall: blocked.shortfall)
                } else if let mark = figures.worstShortOn[m] {
                    runsOut[m] = t
                    limits[m] = .shortCase(id: figures.faultCase(at: mark)?.id ?? "", shortfall: mark.shortfall)
                }
            }
        }
    }

    private mutating func markTooLarge(_ m: Int, period: Int, recordLimits: Bool) {
        tooLarge[m] = true
        if recordLimits && runsOut[m] == nil {
            runsOut[m] = period
            limits[m] = .tooLarge
        }
    }

    /// One period of growth for every machine whose sizes still fit: each
    /// size × (10000 + basis points) / 10000, rounded up to a byte, then to
    /// the granule as allocated; a machine with a size past 2^63−1 keeps its
    /// last sizes and reaches its limit. Whether some planned size changed.
    private mutating func grow(
        _ raw: inout [[[(memory: Int, copy: Int)]]], into grown: inout Spec, period t: Int, recordLimits: Bool
    ) -> Bool {
        var changed = false
        for m in grown.machines.indices where !tooLarge[m] {
            let granule = grown.machines[m].granule
            var next = raw[m]
            var fits = true
            outer: for o in next.indices {
                for j in next[o].indices {
                    let rate = base.machines[m].oses[o].jobs[j].growth ?? question.growth
                    guard let memory = rate.grow(next[o][j].memory), let copy = rate.grow(next[o][j].copy),
                        Quantity.roundUp(memory, to: granule) != nil, Quantity.roundUp(copy, to: granule) != nil
                    else {
                        fits = false
                        break outer
                    }
                    next[o][j] = (memory, copy)
                }
            }
            guard fits else {
                markTooLarge(m, period: t, recordLimits: recordLimits)
                continue
            }
            raw[m] = next
            for o in next.indices {
                for j in next[o].indices {
                    let memory = Quantity.roundUp(next[o][j].memory, to: granule) ?? Int.max
                    let copy = Quantity.roundUp(next[o][j].copy, to: granule) ?? Int.max
                    if grown.machines[m].oses[o].jobs[j].memory != memory {
                        grown.machines[m].oses[o].jobs[j].memory = memory
                        changed = true
                    }
                    if grown.machines[m].oses[o].jobs[j].standbyMemory != copy {
                        grown.machines[m].oses[o].jobs[j].standbyMemory = copy
                        changed = true
                    }
                }
            }
        }
        return changed
    }

    /// The first job of `machine` that cannot start, and by how much (what
    /// its OS lacks beyond what the pool above the reserve gives), as the
    /// compiler's start-up rules find it; an overcommitted machine (its OSes
    /// grown) has no job to name.
    static func firstCannotStart(_ machine: Machine) -> (job: String, shortfall: Int)? {
        guard let used = StartUp.bootUse(machine), used <= machine.memory else { return ("", 0) }
        var pool = machine.memory - used
        for os in machine.oses {
            var own = os.memory
            for job in os.jobs {
                switch StartUp.step(job: job.memory, own: own, kernel: os.kernel, pool: pool, reserve: machine.reserve) {
                case .cannotStart(let short, let available):
                    return (job.name, short - available)
                case .start(let expansion):
                    StartUp.apply(expansion: expansion, job: job.memory, own: &own, pool: &pool)
                }
            }
        }
        return nil
    }
}
