/// Stage: spec → the assignment of standbys that needs the least memory
/// (`standby place`, docs/placement.md).
///
/// Every active OS with a `standby:` of its own and hot-standby jobs that
/// follow it may take any standby OS of the fleet; jobs' own `standby:` stay.
/// Assignments are compared, in this order, by the cases no memory can cover,
/// the fleet's fluid total, and the references changed from the spec. The
/// answer is planned again from scratch and returned only when the planner
/// gives it the figures the search scored.
public enum Placement {
    /// Work units one second of `--time-limit` buys: a unit is one simulated
    /// case, or one job, copy or resource it reads. Set well below what the
    /// release build does on one slow core (README, "place"), so the budget,
    /// not the clock, ends the search and the answer is the same on any
    /// machine.
    public static let workPerSecond = 4_000_000

    /// The figures that the placement compares.
    public struct Figures: Sendable, Hashable {
        /// Cases that no memory can cover (a copy lost with its standby).
        public var uncoverableCases: Int
        /// The fleet's fluid total: the least layout's memory.
        public var fluidTotal: Int
    }

    /// One active's `standby:` changed.
    public struct Change: Sendable, Hashable {
        /// `machines/<m>/oses/<o>/standby`.
        public var target: String
        /// The machine's position in the spec's machines.
        public var machine: Int
        /// The active OS's position in its machine's OSes.
        public var os: Int
        /// The reference as the spec writes it (`standby`, or `machine/os`).
        public var from: String
        /// The reference the placement writes, in the same form.
        public var to: String
        /// Where the spec writes it.
        public var location: SourceLocation
    }

    /// How good the answer is known to be.
    public enum Status: String, Sendable {
        /// No assignment has fewer uncoverable cases or a smaller fluid total.
        case optimal
        /// The best the search found within its budget.
        case bestFound = "best-found"
    }

    /// The answer: the assignment found, its figures against today's, and
    /// how much of the search it took.
    public struct Result: Sendable {
        /// Whether the assignment is proven optimal or the best found in the budget.
        public var status: Status
        /// The figures of the spec as written.
        public var today: Figures
        /// The figures with the new references, planned again from scratch.
        public var placed: Figures
        /// A proven lower bound on the fluid total of every assignment with the
        /// fewest cases no memory can cover (docs/placement.md, "The lower bound").
        public var lowerBound: Int
        /// (fluid total − lower bound) / fluid total, in tenths of a percent.
        public var gap: RoundedPercent
        /// In document order.
        public var changes: [Change]
        /// The spec with the new references (sizes as written).
        public var spec: Spec
        /// Why the search stopped early, if it did: `work` or `time`.
        public var stopped: String?
        /// Actives whose standby was chosen.
        public var actives: Int
        /// Standby OSes in the fleet: the choices each of those actives had.
        public var standbys: Int
        /// Assignments scored.
        public var evaluated: Int
        /// Work units the search spent (a simulated case, or a job, copy or
        /// resource read; see ``Placement/workPerSecond``).
        public var work: Int
        /// Work units it was allowed: the time limit times ``Placement/workPerSecond``.
        public var budget: Int
    }

    /// Why there is no placement.
    public enum Failure: Error, Sendable {
        /// The spec has errors (other than memory too small to start its jobs).
        case spec(Diagnostics)
        /// The fleet has no standby OS: there is nothing to choose.
        case noStandby
        /// The planner, run again on the answer, disagrees with the search.
        case mismatch(String)
    }

    /// The best assignment of `spec`'s standbys: the search stops after
    /// `timeLimit` seconds' worth of work (``workPerSecond``), or at
    /// `deadline` if that comes first.
    public static func place(
        _ spec: Spec, timeLimit: Double, deadline: ContinuousClock.Instant? = nil
    ) -> Swift.Result<Result, Failure> {
        // A job that cannot start is memory too small, which the written
        // answer raises as `fix` does: the figures do not depend on it.
        let compiled: CompiledSpec
        switch compile(startable(spec)) {
        case .success(let c): compiled = c
        case .failure(let f): return .failure(f)
        }
        let standbys = spec.machines.reduce(0) { $0 + $1.oses.filter { $0.role == .standby }.count }
        guard standbys > 0 else { return .failure(.noStandby) }
        let kinds = Planner.kinds(nil, compiled)
        let todayFigures = figures(Planner.figures(compiled))
        let model = PlacementModel(compiled, kinds: kinds)
        guard model.fluidTotal == todayFigures.fluidTotal, model.beyond == todayFigures.uncoverableCases else {
            return .failure(.mismatch("today's figures"))
        }
        let budget = Int(min(Double(Int.max / 2), max(1, timeLimit * Double(workPerSecond))))
        let bound = PlacementBound.compute(model)
        var search = PlacementSearch(model, budget: satAdd(model.work, budget), deadline: deadline)
        let today = search.score
        let placeable = model.actives.indices.allSatisfy { model.actives[$0].options.contains(model.choice[$0]) }
        var proven = placeable && today.fluid <= bound.fluidTotal
        if !proven {
            search.improve(until: bound.fluidTotal)
            let all = bound.outcomes.compactMap { $0 }
            var finished = false
            if all.count == model.actives.count && search.stop == nil { finished = search.exhaust(all) }
            // The bound holds for the assignments with the fewest uncoverable
            // cases: those whose actives all take one of their options.
            let reached = model.actives.indices.allSatisfy { model.actives[$0].options.contains(model.choice[$0]) }
            proven = reached && (finished || search.score.fluid <= bound.fluidTotal)
        }
        if today < search.score {
            // Never worse than the spec: back to today's standbys.
            for a in model.actives.indices where model.choice[a] != model.actives[a].today {
                model.apply(model.evaluate(a, to: model.actives[a].today))
            }
            proven = false
        }
        let score = search.score
        let (placedSpec, changes) = applied(model, to: spec)
        // The answer, planned from scratch.
        switch compile(startable(placedSpec)) {
        case .failure: return .failure(.mismatch("the placed spec does not compile"))
        case .success(let c):
            let planned = figures(Planner.figures(c))
            guard planned == Figures(uncoverableCases: score.beyond, fluidTotal: score.fluid) else {
                return .failure(.mismatch("the placed spec's figures"))
            }
        }
        let lowerBound = proven ? score.fluid : min(bound.fluidTotal, score.fluid)
        return .success(
            Result(
                status: proven ? .optimal : .bestFound, today: todayFigures,
                placed: Figures(uncoverableCases: score.beyond, fluidTotal: score.fluid), lowerBound: lowerBound,
                gap: RoundedPercent(part: score.fluid - lowerBound, of: score.fluid), changes: changes,
                spec: placedSpec, stopped: search.stop?.rawValue, actives: model.actives.count, standbys: standbys,
                evaluated: search.evaluated, work: model.work, budget: budget))
    }

    /// The figures the placement compares, as the planner states them.
    static func figures(_ figures: PlanFigures) -> Figures {
        Figures(
            uncoverableCases: figures.beyondMemoryByMachine.reduce(0, +), fluidTotal: figures.totals.fluidTotal)
    }

    /// `spec` with each machine's memory raised, where short, to what starts
    /// every job (``LeastMemory/startUpMinimum(_:policies:)``).
    static func startable(_ spec: Spec) -> Spec {
        var raised = spec
        for m in raised.machines.indices {
            guard let needed = LeastMemory.startUpMinimum(raised.machines[m], policies: raised.policies) else { continue }
            raised.machines[m].memory = max(raised.machines[m].memory, needed)
        }
        return raised
    }

    static func compile(_ spec: Spec) -> Swift.Result<CompiledSpec, Failure> {
        let validation = Validator.validate(spec)
        if validation.hasErrors { return .failure(.spec(validation)) }
        let (compiled, diagnostics) = Compiler.compile(spec)
        guard let compiled, !diagnostics.hasErrors else { return .failure(.spec(diagnostics)) }
        return .success(compiled)
    }

    /// `spec` with the model's assignment written into its OSes' `standby:`,
    /// each at the place the old one was written, and the changes.
    static func applied(_ model: PlacementModel, to spec: Spec) -> (Spec, [Change]) {
        var placed = spec
        var changes: [Change] = []
        let index = model.index
        for (a, active) in model.actives.enumerated() where model.choice[a] != active.today {
            let os = index.oses[Int(active.os)]
            let target = index.oses[Int(model.choice[a])]
            let m = Int(os.machine)
            let o = Int(os.local)
            let old = spec.machines[m].oses[o].standby
            let reference = OSReference(
                machine: Int(target.machine) == m ? nil : spec.machines[Int(target.machine)].name,
                os: spec.machines[Int(target.machine)].oses[Int(target.local)].name,
                location: old?.location ?? spec.machines[m].oses[o].location)
            placed.machines[m].oses[o].standby = reference
            changes.append(
                Change(
                    target: "machines/\(spec.machines[m].name)/oses/\(spec.machines[m].oses[o].name)/standby",
                    machine: m, os: o, from: old?.description ?? "", to: reference.description,
                    location: reference.location))
        }
        return (placed, changes)
    }
}
