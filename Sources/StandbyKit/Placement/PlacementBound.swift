/// A lower bound on the fluid total of every assignment the placement may
/// choose (docs/placement.md, "The lower bound"), from the planner's own
/// simulation of each active's cases.
///
/// Each active's standby changes only its own cases' demands (and its
/// machine's `machine` case, which the bound leaves out: leaving out demands
/// only lowers a bound). For active a and option s let V(a, s) be the demands
/// of a's cases with a on s. Whatever the assignment, every resource's level
/// is at least its base demand and at least min_s V(a, s) for every a; call
/// the largest of these Q. The fluid total is then at least
/// constant + Σ_r g_r(Q_r) + max_a min_s Σ_r [g_r(max(Q_r, V(a, s)_r)) − g_r(Q_r)],
/// since a's own choice s(a) raises the levels at least to V(a, s(a)).
///
/// Options are simulated one by one when an active has few. With many, they
/// fall into classes that the rules make equal: a copy sent to a standby on
/// another machine is handed nothing (memory cannot cross machines) and
/// releases nothing there, so a remote resource that none of a's own-standby
/// jobs reaches gets exactly the largest, over a's cases, of the copies a
/// sends in that case, whichever it is, and every other resource gets what
/// it gets from any such option. One simulation of one such option gives
/// them all; the local options and the remote resources a's own-standby jobs
/// reach are simulated one by one.
struct PlacementBound {
    /// The bound on the fluid total.
    var fluidTotal: Int
    /// Per active, when every option was simulated: each option's outcome
    /// (what the exhaustive search reuses).
    var outcomes: [[PlacementModel.Outcome]?]

    /// Options simulated one by one when an active has at most this many.
    static let explicitOptions = 12

    /// Work: per active, its cases simulated for each local option, each
    /// remote resource its own-standby jobs reach, and one option of the rest
    /// (at most ``explicitOptions`` + its own-standby jobs + 1 times), plus
    /// one step per resource for the least raise among the rest.
    static func compute(_ model: PlacementModel) -> PlacementBound {
        let actives = model.actives
        var outcomes: [[PlacementModel.Outcome]?] = Array(repeating: nil, count: actives.count)
        // Per active: the option classes, each a vector, and the generic class.
        var explicit: [[[PlacementModel.Entry]]] = []
        var generic: [(base: [PlacementModel.Entry], level: Int, resources: [Int32])?] = []
        // Per resource, the last active that listed it among its other resources.
        var listed = [Int](repeating: -1, count: model.resourceCount)
        for a in actives.indices {
            let active = actives[a]
            var vectors: [[PlacementModel.Entry]] = []
            var rest: (base: [PlacementModel.Entry], level: Int, resources: [Int32])?
            if active.options.count <= explicitOptions {
                let all = active.options.map { s -> PlacementModel.Outcome in
                    model.point(a, at: s)
                    return model.simulate(active.cases)
                }
                outcomes[a] = all
                vectors = all.map(\.vector)
            } else {
                let local = Set(localResources(of: active, model))
                let reached = Set(active.fixedTargets.map(model.resource(of:)))
                var simulated: Set<Int32> = []
                var others: [Int32] = []
                var representative: Int32?
                for s in active.options {
                    let r = model.resource(of: s)
                    if local.contains(r) || reached.contains(r) {
                        // Local standbys one by one (with `pool: true` each differs);
                        // a reached remote resource once.
                        guard local.contains(r) || simulated.insert(r).inserted else { continue }
                        model.point(a, at: s)
                        vectors.append(model.simulate(active.cases).vector)
                    } else {
                        if listed[Int(r)] != a {
                            listed[Int(r)] = a
                            others.append(r)
                        }
                        if representative == nil { representative = s }
                    }
                }
                if let s = representative {
                    model.point(a, at: s)
                    let r = model.resource(of: s)
                    let vector = model.simulate(active.cases).vector
                    let level = vector.first { $0.resource == r }?.level ?? 0
                    rest = (vector.filter { $0.resource != r }, level, others)
                }
            }
            model.point(a, at: model.choice[a])
            explicit.append(vectors)
            generic.append(rest)
        }

        // Q: the base, raised by what every option of each active demands.
        var q = model.base
        // Each `machine` case demands at least what its copies with a
        // `standby:` of their own demand (its actives' other copies only add
        // to it): simulated with those actives' jobs sent nowhere.
        for (k, machineCase) in model.machineCases.enumerated() {
            let mine = actives.indices.filter { actives[$0].machine == machineCase.machine }
            for a in mine { model.point(a, at: -1) }
            for e in model.simulateMachine(k).vector { q[Int(e.resource)] = max(q[Int(e.resource)], e.level) }
            for a in mine { model.point(a, at: model.choice[a]) }
        }
        for a in actives.indices {
            var least: [Int32: Int] = [:]
            var first = true
            func meet(_ vector: [PlacementModel.Entry]) {
                var here: [Int32: Int] = [:]
                for e in vector { here[e.resource] = e.level }
                if first {
                    least = here
                    first = false
                } else {
                    for (r, level) in least { least[r] = min(level, here[r] ?? 0) }
                }
            }
            for vector in explicit[a] { meet(vector) }
            if let rest = generic[a] {
                // With two resources or more in the class, some option leaves each at its base.
                var vector = rest.base
                if rest.resources.count == 1, let r = rest.resources.first { vector.append(.init(resource: r, level: rest.level)) }
                meet(vector)
            }
            for (r, level) in least { q[Int(r)] = max(q[Int(r)], level) }
        }
        var total = model.constant
        for r in q.indices where model.counts(r) { total = satAdd(total, model.g(r, q[r])) }
        model.charge(q.count)

        // The least that each active's own choice must add; the largest of those.
        func raise(_ vector: [PlacementModel.Entry]) -> Int {
            vector.reduce(0) { sum, e in
                satAdd(sum, model.g(Int(e.resource), max(q[Int(e.resource)], e.level)) - model.g(Int(e.resource), q[Int(e.resource)]))
            }
        }
        var most = 0
        for a in actives.indices {
            var least = Int.max
            for vector in explicit[a] { least = min(least, raise(vector)) }
            if let rest = generic[a] {
                var cheapest = Int.max
                for r in rest.resources {
                    cheapest = min(cheapest, model.g(Int(r), max(q[Int(r)], rest.level)) - model.g(Int(r), q[Int(r)]))
                    if cheapest == 0 { break }
                }
                model.charge(rest.resources.count)
                least = min(least, satAdd(raise(rest.base), cheapest))
            }
            if least < Int.max { most = max(most, least) }
        }
        return PlacementBound(fluidTotal: satAdd(total, most), outcomes: outcomes)
    }

    /// The resources on active's own machine: the machine (`pool: true`), or
    /// its standbys.
    static func localResources(of active: PlacementModel.Active, _ model: PlacementModel) -> [Int32] {
        if model.pool { return [Int32(truncatingIfNeeded: active.machine)] }
        let record = model.index.machines[active.machine]
        return (record.oses.lowerBound..<record.oses.upperBound).filter { model.index.oses[Int($0)].role == .standby }
    }
}
