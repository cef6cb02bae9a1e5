// How many simultaneous faults of one kind a spec survives, exactly
// (docs/planning.md, "Simultaneous faults"). The search is in
// `ToleranceSearch.swift`; what a set of faults does is `SetRules`.

/// The fault kinds whose simultaneous sets `tolerate` checks.
public enum ToleranceKind: String, CaseIterable, Sendable, Hashable, Comparable {
    /// Active OSes fail at once (any machines).
    case os
    /// Whole machines fail at once.
    case machine

    /// The kinds whose single faults `faults` plans, in order: what a
    /// tolerance question asks about when it names no kind.
    public static func planned(in faults: [FaultKind]) -> [ToleranceKind] {
        allCases.filter { faults.contains($0.faultKind) }
    }

    /// The plan's fault kind of a single fault of this kind.
    public var faultKind: FaultKind {
        switch self {
        case .os: .os
        case .machine: .machine
        }
    }

    /// Report order: the plan's kind order.
    public static func < (a: Self, b: Self) -> Bool { a.faultKind < b.faultKind }
}

/// The answer for every kind asked.
public struct ToleranceReport: Sendable, Equatable {
    /// K: the largest set size asked about.
    public var maxK: Int
    /// One answer per kind asked, in kind order.
    public var kinds: [KindTolerance]

    /// Whether every kind asked survives any K faults at once.
    public var reachesMaxK: Bool { kinds.allSatisfy(\.reachesMaxK) }

    /// A report of these answers; ``Tolerance/check(_:kinds:maxK:maxSets:)`` makes the real one.
    public init(maxK: Int, kinds: [KindTolerance]) {
        self.maxK = maxK
        self.kinds = kinds
    }
}

/// How many simultaneous faults of one kind are covered.
public struct KindTolerance: Sendable, Equatable {
    /// The kind of fault the sets are made of.
    public var kind: ToleranceKind
    /// The largest k ≤ K such that every set of at most k faults of this kind
    /// is covered. K when every possible set is covered, even when fewer than
    /// K faults are possible.
    public var k: Int
    /// The largest set size the search looked at: k + 1 with a
    /// counterexample, else the sizes it finished (at most the number of
    /// possible faults).
    public var checkedUpTo: Int
    /// How many faults of this kind the spec has (active OSes, or machines).
    public var possibleFaults: Int
    /// K.
    public var maxK: Int
    /// `false` when the search stopped at its limit of examined sets before
    /// finishing size `checkedUpTo + 1`: `k` is then only what was proven.
    public var complete: Bool
    /// Steps of the search beyond the single faults, which its limit counts:
    /// sets and partial sets looked at, and faults a root's walk reached.
    public var examined: Int
    /// Sets simulated with the rules (singles included).
    public var simulated: Int
    /// The first uncovered set of size k + 1, in plan order; `nil` when none was found.
    public var counterexample: ToleranceCounterexample?

    /// Whether any K faults of this kind at once are covered.
    public var reachesMaxK: Bool { k >= maxK }

    /// An answer of these figures; the search makes the real ones.
    public init(
        kind: ToleranceKind, k: Int, checkedUpTo: Int, possibleFaults: Int, maxK: Int, complete: Bool,
        examined: Int, simulated: Int, counterexample: ToleranceCounterexample?
    ) {
        self.kind = kind
        self.k = k
        self.checkedUpTo = checkedUpTo
        self.possibleFaults = possibleFaults
        self.maxK = maxK
        self.complete = complete
        self.examined = examined
        self.simulated = simulated
        self.counterexample = counterexample
    }
}

/// A set of simultaneous faults that is not covered, and why.
///
/// Names are qualified (`machine/job`, `machine/os`) since a set can span
/// machines, except a standby inside its machine's ``Shortage``.
public struct ToleranceCounterexample: Sendable, Equatable {
    /// The kind of the faults in the set.
    public var kind: ToleranceKind
    /// The plan's case ids of the faults, in plan order.
    public var cases: [String]
    /// Bytes the copies needed and could not find, over every machine.
    public var shortfall: Int
    /// Per machine whose pool could not make up what its standbys lacked, in
    /// document order: held, released by the set, draw, shortfall, the pool
    /// it must hold after start-up for this set (`nil` with `pool: false`),
    /// and the standbys that lacked memory.
    public var shortages: [Shortage]
    /// Hot-standby jobs no memory brings back in this set.
    public var unrecoverable: [UnrecoverableJob]

    /// A counterexample of these parts; the search makes the real ones.
    public init(
        kind: ToleranceKind, cases: [String], shortfall: Int, shortages: [Shortage],
        unrecoverable: [UnrecoverableJob]
    ) {
        self.kind = kind
        self.cases = cases
        self.shortfall = shortfall
        self.shortages = shortages
        self.unrecoverable = unrecoverable
    }

    /// What would cover this set, one sentence per short machine and per job
    /// lost (sizes as `Size.describe` shows them).
    public var covers: [String] { ToleranceRenderer.covers(self, unit: .auto).map(\.plain) }
}

extension Shortage {
    /// What the machine's standbys lacked before the pool gave anything: draw + shortfall.
    public var missing: Int { draw + shortfall }
}

/// How many simultaneous faults a spec survives.
public enum Tolerance {
    /// The largest K accepted. The work of an exact answer grows like the
    /// number of connected sets of size K, so K stays small.
    public static let maxAllowedK = 8
    /// The default limit of steps (sets and partial sets looked at, faults a
    /// root's walk reached) the search takes per kind.
    public static let defaultMaxSets = 2_000_000
    /// The largest limit `--max-sets` accepts. A step is O(1) work (a set
    /// looked at is charged what it reads), so the limit bounds the search's
    /// time: about a minute per kind at this one (README, "Limits").
    public static let maxAllowedSets = 100_000_000

    /// For each kind in `kinds` (deduplicated, in kind order), the largest k ≤
    /// `maxK` (clamped to 1…``maxAllowedK``) such that every set of at most k
    /// simultaneous faults of that kind is covered, with the first uncovered
    /// set of size k + 1 in plan order. The search takes at most `maxSets`
    /// steps per kind beyond the single faults; when it stops there, the
    /// answer says so and claims only what it checked.
    public static func check(
        _ compiled: CompiledSpec, kinds: [ToleranceKind], maxK: Int, maxSets: Int = defaultMaxSets
    ) -> ToleranceReport {
        let state = FinalState(compiled)
        let k = min(max(1, maxK), maxAllowedK)
        let answers = Set(kinds).sorted().map { kind in
            var search = ToleranceSearch(state, kind: kind, maxK: k, maxSets: max(1, maxSets))
            return search.run()
        }
        return ToleranceReport(maxK: k, kinds: answers)
    }

    /// The faults of `kind` in plan order: machines in document order, and
    /// for `os` the active OSes of each machine in document order.
    static func faults(_ kind: ToleranceKind, in state: FinalState) -> [Fault] {
        state.machines.indices.flatMap { state.faults([kind.faultKind], machine: $0) }
    }

    /// A job as a set names it: `machine/job` (a set can span machines).
    static func qualified(_ j: JobAddress, in state: FinalState) -> String {
        "\(state.machines[j.machine].name)/\(state.job(j).name)"
    }

    /// An OS as a set names it: `machine/os`.
    static func qualified(_ o: OSAddress, in state: FinalState) -> String {
        "\(state.machines[o.machine].name)/\(state.os(o).name)"
    }

    /// The public record of an uncovered set.
    static func counterexample(_ faults: [Fault], kind: ToleranceKind, in state: FinalState) -> ToleranceCounterexample {
        let outcome = SetRules.outcome(of: faults, in: state)
        let required = Dictionary(uniqueKeysWithValues: SetRules.requiredPools(outcome, in: state).map { ($0.machine, $0.bytes) })
        let shortages = FigureRules.shortages(
            outcome.pools, receivers: outcome.receivers, requiredPool: { required[$0.machine] ?? 0 }, in: state
        ) { $0.map { qualified($0, in: state) } }
        let unrecoverable = outcome.unrecoverable.map { u in
            UnrecoverableJob(job: qualified(u.job, in: state), cause: u.reason) { qualified($0, in: state) }
        }
        return ToleranceCounterexample(
            kind: kind, cases: faults.map { state.caseID(of: $0) }, shortfall: outcome.shortfall,
            shortages: shortages, unrecoverable: unrecoverable)
    }
}
