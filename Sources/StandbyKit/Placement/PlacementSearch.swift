/// The search for the best assignment (docs/placement.md, "The search"):
/// local search from today's assignment, then, while the work budget lasts,
/// an exhaustive branch and bound that proves the answer optimal.
///
/// Scores are lexicographic: cases no memory can cover, then the fluid
/// total, then references changed. Every score is the planner's simulation
/// of every case the change touches (``PlacementModel/evaluate(_:to:)``).
/// The order of the search is fixed (actives in document order, candidates
/// in a fixed order, ties to the first found), and it stops at a work
/// budget, so the same spec and budget give the same answer; a deadline on
/// the clock stops it too, as a safety net, and the answer then says so.
struct PlacementSearch {
    struct Score: Comparable {
        var beyond: Int
        var fluid: Int
        var changes: Int
        static func < (a: Score, b: Score) -> Bool {
            (a.beyond, a.fluid, a.changes) < (b.beyond, b.fluid, b.changes)
        }
    }

    enum Stop: String, Sendable {
        /// The work budget ran out.
        case work
        /// The clock's deadline passed first.
        case time
    }

    let model: PlacementModel
    let budget: Int
    let deadline: ContinuousClock.Instant?
    private(set) var stop: Stop?
    /// Candidates scored.
    private(set) var evaluated = 0

    /// Remote resources tried per active when it has many options.
    static let widest = 6
    /// Options tried one by one when an active has at most this many.
    static let allOptions = 16

    init(_ model: PlacementModel, budget: Int, deadline: ContinuousClock.Instant?) {
        self.model = model
        self.budget = budget
        self.deadline = deadline
    }

    var score: Score { Score(beyond: model.beyond, fluid: model.fluidTotal, changes: model.changes) }

    /// Whether the search must stop now.
    private mutating func exhausted() -> Bool {
        if stop != nil { return true }
        if model.work >= budget {
            stop = .work
        } else if let deadline, ContinuousClock.now >= deadline {
            stop = .time
        }
        return stop != nil
    }

    /// Local search: an active whose standby is not among its options (its
    /// machine's `machine` case could keep every copy, and a copy stays
    /// there) first takes its best option; then, pass after pass, each
    /// active in document order takes its best candidate when that beats the
    /// assignment held, until a pass changes nothing, `bound` is reached or
    /// the budget is spent. Each step scores at most ``allOptions`` or
    /// ``widest`` + its local and reached options, each O(its cases' work).
    mutating func improve(until bound: Int) {
        let first = ranking()
        for a in model.actives.indices where !model.actives[a].options.contains(model.choice[a]) {
            if exhausted() { return }
            var best: PlacementModel.Move?
            for s in candidates(a, ranking: first) {
                let move = model.evaluate(a, to: s)
                evaluated += 1
                if best.map({ (move.variable, move.changes) < ($0.variable, $0.changes) }) ?? true { best = move }
            }
            if let best { model.apply(best) }
        }
        var changed = true
        // Reaching the bound proves the figures; fewer changes may still be found.
        while changed && !exhausted() && (score.fluid > bound || score.changes > 0) {
            changed = false
            let order = ranking()
            for a in model.actives.indices {
                if exhausted() { return }
                var best: (move: PlacementModel.Move, score: Score)?
                for s in candidates(a, ranking: order) where s != model.choice[a] {
                    let move = model.evaluate(a, to: s)
                    evaluated += 1
                    let moved = Score(beyond: move.beyond, fluid: satAdd(model.constant, move.variable), changes: move.changes)
                    if moved < (best?.score ?? score) { best = (move, moved) }
                }
                if let best {
                    model.apply(best.move)
                    changed = true
                }
            }
        }
    }

    /// The resources, those with the most room first: the demand each takes
    /// without adding to the fluid total (its level, rounded up as the
    /// figures round it, or its reserve). O(resources log resources).
    private func ranking() -> [Int32] {
        let model = self.model
        var room: [(r: Int32, room: Int)] = []
        for r in 0..<model.resourceCount where model.counts(r) {
            room.append((Int32(truncatingIfNeeded: r), model.plateau(r)))
        }
        room.sort { $0.room != $1.room ? $0.room > $1.room : $0.r < $1.r }
        return room.map(\.r)
    }

    /// The standbys active `a` tries: all its options when it has few; else
    /// today's and its local ones, one on each resource its own-standby jobs
    /// reach, and one on each of the ``widest`` resources with the most room.
    private func candidates(_ a: Int, ranking: [Int32]) -> [Int32] {
        let active = model.actives[a]
        guard active.options.count > Self.allOptions else { return active.options }
        let local = Set(PlacementBound.localResources(of: active, model))
        let reached = Set(active.fixedTargets.map(model.resource(of:)))
        var byResource: [Int32: Int32] = [:]
        var list: [Int32] = []
        for s in active.options {
            let r = model.resource(of: s)
            if byResource[r] == nil { byResource[r] = s }
            if s == active.today || local.contains(r) || (reached.contains(r) && byResource[r] == s) { list.append(s) }
        }
        var wide = 0
        for r in ranking where wide < Self.widest {
            guard let s = byResource[r], !local.contains(r), !list.contains(s) else { continue }
            list.append(s)
            wide += 1
        }
        return list
    }

    /// Branch and bound over every assignment, from `incumbent`: actives in
    /// document order, each option in its order. A partial assignment is
    /// dropped when a bound on every completion (its levels, what each
    /// remaining active demands whatever it takes, and the most one of them
    /// must add) is no better than the best found. Iterative, one frame per
    /// active. Each node costs the remaining actives' option vectors, charged
    /// to the budget. Returns whether it finished (the best is then proven).
    mutating func exhaust(_ outcomes: [[PlacementModel.Outcome]]) -> Bool {
        let model = self.model
        let actives = model.actives
        let n = actives.count
        guard n > 0 else { return true }
        var best = score
        var bestChoice = model.choice
        // Per active, the least each option demands of each resource.
        let least: [[PlacementModel.Entry]] = outcomes.map { options in
            var common: [Int32: Int]?
            for o in options {
                var here: [Int32: Int] = [:]
                for e in o.vector { here[e.resource] = e.level }
                common = common.map { c in c.reduce(into: [:]) { $0[$1.key] = min($1.value, here[$1.key] ?? 0) } } ?? here
            }
            return (common ?? [:]).filter { $0.value > 0 }.map { .init(resource: $0.key, level: $0.value) }
        }
        let lastOnMachine = (0..<n).map { a in a == n - 1 || actives[a + 1].machine != actives[a].machine }
        let firstOnMachine = (0..<n).map { a in a == 0 || actives[a - 1].machine != actives[a].machine }

        var levels = model.base
        var variable = 0
        for r in levels.indices where model.counts(r) { variable = satAdd(variable, model.g(r, levels[r])) }
        var beyond = model.baseBeyond
        var changes = 0
        var undo: [(r: Int, level: Int)] = []
        // Per depth: the option tried, and where its undo records begin.
        var next = [Int](repeating: 0, count: n)
        var mark = [(undo: Int, variable: Int, beyond: Int, changes: Int)](repeating: (0, 0, 0, 0), count: n)
        var chosen = [Int32](repeating: -1, count: n)

        func add(_ outcome: PlacementModel.Outcome) {
            beyond += outcome.beyond
            for e in outcome.vector where e.level > levels[Int(e.resource)] {
                let r = Int(e.resource)
                undo.append((r, levels[r]))
                variable = satAdd(variable, model.g(r, e.level) - model.g(r, levels[r]))
                levels[r] = e.level
            }
        }
        /// A bound on every completion once actives before `k` are placed.
        func bound(from k: Int) -> Int {
            var raised: [Int: Int] = [:]
            for a in k..<n {
                for e in least[a] where e.level > (raised[Int(e.resource)] ?? levels[Int(e.resource)]) {
                    raised[Int(e.resource)] = e.level
                }
            }
            var total = variable
            for (r, level) in raised { total = satAdd(total, model.g(r, level) - model.g(r, levels[r])) }
            var most = 0
            var steps = raised.count
            for a in k..<n {
                var cheapest = Int.max
                for o in outcomes[a] {
                    var add = 0
                    for e in o.vector {
                        let r = Int(e.resource)
                        let q = raised[r] ?? levels[r]
                        add = satAdd(add, model.g(r, max(q, e.level)) - model.g(r, q))
                    }
                    steps += 1 + o.vector.count
                    cheapest = min(cheapest, add)
                }
                if cheapest < Int.max { most = max(most, cheapest) }
            }
            model.charge(steps)
            return satAdd(model.constant, satAdd(total, most))
        }

        var k = 0
        while k >= 0 {
            if exhausted() { return false }
            if next[k] == 0 {
                mark[k] = (undo.count, variable, beyond, changes)
            } else {
                // Undo the option tried last at this depth.
                while undo.count > mark[k].undo {
                    let u = undo.removeLast()
                    levels[u.r] = u.level
                }
                (variable, beyond, changes) = (mark[k].variable, mark[k].beyond, mark[k].changes)
            }
            guard next[k] < outcomes[k].count else {
                next[k] = 0
                k -= 1
                continue
            }
            let i = next[k]
            next[k] += 1
            let s = actives[k].options[i]
            chosen[k] = s
            add(outcomes[k][i])
            if s != actives[k].today { changes += 1 }
            if lastOnMachine[k], model.machineOwner[actives[k].machine] >= 0 {
                var a = k
                while true {
                    model.point(a, at: chosen[a])
                    if firstOnMachine[a] { break }
                    a -= 1
                }
                add(model.simulateMachine(model.machineOwner[actives[k].machine] - n))
            }
            let here = Score(beyond: beyond, fluid: satAdd(model.constant, variable), changes: changes)
            if k == n - 1 {
                if here < best {
                    best = here
                    bestChoice = chosen
                }
                continue
            }
            let fluid = bound(from: k + 1)
            guard Score(beyond: beyond, fluid: fluid, changes: changes) < best else { continue }
            k += 1
        }
        // The best one found becomes the assignment held.
        for a in 0..<n { model.point(a, at: model.choice[a]) }
        for a in 0..<n where bestChoice[a] != model.choice[a] { model.apply(model.evaluate(a, to: bestChoice[a])) }
        return true
    }
}
