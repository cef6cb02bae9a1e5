// The rules of a set of simultaneous faults (docs/planning.md, "Simultaneous
// faults"), stated on the case rules' own pieces: every fault of the set acts
// as in its single case (`CaseRules.Effects`), on the same collection, so what
// the faults hand over and release adds up; the set is then counted as a case
// is (`CaseRules.count`, `CaseRules.placeCopies`), each machine's pool holding
// what it holds once plus everything the set released there.
//
// For a set of one fault the outcome is the case's (`CaseRules.outcome`), field
// for field, except the unprotected jobs, which a set does not list (they are
// a finding, not part of coverage, and a `machine` fault finds them only by a
// pass over the whole spec). SetRulesTests checks this on random specs.

/// A set of faults that happen at once on the final state.
enum SetRules {
    /// Bytes a set returned to one machine's pool.
    struct Release: Hashable, Sendable {
        var machine: Int
        var bytes: Int
    }

    /// What a set of faults does and how it counts.
    struct Outcome: Hashable, Sendable {
        /// The faults, in plan order.
        var faults: [Fault]
        var moves: [CaseRules.Move] = []
        /// Bytes returned to each machine's pool, by machine in document order.
        var released: [Release] = []
        /// Jobs that stop whatever memory there is.
        var stopped: [JobAddress] = []
        /// Hot-standby jobs no memory brings back, in the order the faults meet them.
        var unrecoverable: [CaseRules.Unrecoverable] = []
        /// The receiving standbys, in document order; a standby that receives
        /// from several faults is one receiver: need and handed add up, its
        /// free memory counts once.
        var receivers: [CaseRules.Receiver] = []
        /// Per machine with receiving standbys, in document order: what its
        /// pool holds once, plus what every fault of the set released there.
        var pools: [CaseRules.Pool] = []

        /// Bytes the copies needed and could not find: Σ over pools.
        var shortfall: Int { pools.reduce(0) { $0 + $1.shortfall } }
        /// Bytes all pools gave together.
        var poolDraw: Int { pools.reduce(0) { $0 + $1.draw } }
        /// Every hot-standby job the set touches runs again.
        var covered: Bool { shortfall == 0 && unrecoverable.isEmpty }
        /// Jobs that do not run again: the stopped ones and the copies that did not start.
        var lostJobs: [JobAddress] {
            (stopped + receivers.flatMap { r in r.copies.filter { !r.started.contains($0) } }).sorted()
        }
        /// Hot-standby jobs whose copies started.
        var takenOver: [JobAddress] { receivers.flatMap(\.started).sorted() }
        /// Bytes the set released on machine `m`.
        func released(on m: Int) -> Int { released.first { $0.machine == m }?.bytes ?? 0 }
    }

    /// Simulates `faults` (distinct, in plan order) at once on the final state,
    /// in time proportional to their jobs and the copies they owe.
    static func outcome(of faults: [Fault], in state: FinalState) -> Outcome {
        var effects = CaseRules.Effects(state) { o in faults.contains { $0.stops(o) } }
        for fault in faults { effects.apply(fault) }
        var outcome = Outcome(faults: faults)
        outcome.moves = effects.moves
        outcome.released = effects.released.map { Release(machine: $0.key, bytes: $0.value) }
            .sorted { $0.machine < $1.machine }
        outcome.stopped = effects.stopped
        outcome.unrecoverable = effects.unrecoverable
        outcome.receivers = effects.sortedReceivers
        if faults.count > 1 {
            // Each fault adds its copies in document order; several faults' copies
            // to one standby are put in document order together.
            for r in outcome.receivers.indices { outcome.receivers[r].copies.sort() }
        }
        let released = effects.released
        outcome.pools = CaseRules.count(&outcome.receivers, released: { released[$0] ?? 0 }, in: state)
        CaseRules.placeCopies(&outcome.receivers, in: state)
        return outcome
    }

    /// The pool each short machine must hold after start-up, beyond what the
    /// set releases there, for every copy of the set to start with the
    /// standbys as they are: max(0, missing − released).
    static func requiredPools(_ outcome: Outcome, in state: FinalState) -> [(machine: Int, bytes: Int)] {
        var free: [OSAddress: Int] = [:]
        for r in outcome.receivers { free[r.standby] = r.free }
        return CaseRules.requiredPools(receivers: outcome.receivers, pools: outcome.pools, free: free)
    }
}
