// The exact, pruned search behind `Tolerance.check` for one fault kind
// (docs/planning.md, "Simultaneous faults", states the argument in full):
//
// - Size 1: every fault alone, by the set rules (they equal the plan's case).
// - Size s ≥ 2, once every smaller set is covered: only a *connected* set can
//   be uncovered (faults interact only through the machines whose standbys
//   and pools they draw on, and releases only add), so the search enumerates
//   connected sets, in plan (lexicographic) order, and the first uncovered
//   one is the answer.
// - A bound that ignores what the set releases proves whole families of
//   sets covered without simulating them: per machine, what the faults ask
//   of each standby beyond what they hand it, against its free memory and
//   the pool. It is applied to every prefix of the enumeration.
// - A limit on the sets examined keeps the work bounded whatever the spec;
//   past it the answer claims only the sizes it finished.

/// What a fault asks of one receiving standby beyond what it hands it.
private struct Demand {
    /// The standby's slot in ``ToleranceSearch``'s per-standby tables.
    var slot: Int
    /// max(0, need − handed): more than 0.
    var bytes: Int
}

/// The search for one kind: the per-fault facts from each fault simulated
/// alone, the bounds built from them once, and scratch space reused from set
/// to set.
struct ToleranceSearch {
    let state: FinalState
    let kind: ToleranceKind
    let maxK: Int
    let maxSets: Int
    /// The faults in plan order; a set is a sorted list of positions here.
    let faults: [Fault]
    private(set) var examined = 0
    private(set) var simulated = 0

    // Per fault, from the fault simulated alone.
    private var coveredAlone: [Bool] = []
    /// The machines whose standbys and pools it draws on (and, for `machine`,
    /// the failed machine itself), sorted: two faults interact when these meet.
    private var resources: [[Int]] = []
    private var demands: [[Demand]] = []
    /// What it returns to each machine's pool (nothing counts with `pool: false`).
    private var releases: [[SetRules.Release]] = []
    /// The faults that stop one of its receiving standbys.
    private var dependsOn: [[Int]] = []
    /// What simulating it in a set reads: its jobs and its receivers' copies.
    private var weight: [Int] = []

    // Per receiving standby (slot).
    private var slotMachine: [Int] = []
    private var slotFree: [Int] = []
    /// The sum of the r largest demands any faults make of the standby, r = 0…K.
    private var slotTop: [[Int]] = []

    // Per machine (position in the state).
    /// The pool after start-up, as failover may use it (0 with `pool: false`).
    private var usablePool: [Int]
    private var machineSlots: [[Int]]
    /// Σ over the machine's standbys of max(0, top(S, r) − free(S)), r = 0…K.
    private var base: [[Int]]
    /// The sum of the r largest of (demand − release) on the machine over all faults, r = 0…K.
    private var topNet: [[Int]]
    /// The machines some fault makes a demand on, in document order.
    private var demanded: [Int] = []

    // Scratch, reset after each use.
    private var slotSum: [Int]
    private var machineRelease: [Int]
    private var machineAdjust: [Int]
    private var machineOwn: [Int]
    private var machineMark: [Int]
    private var asked: [Int]
    private var machineToken = 0

    init(_ state: FinalState, kind: ToleranceKind, maxK: Int, maxSets: Int) {
        self.state = state
        self.kind = kind
        self.maxK = maxK
        self.maxSets = maxSets
        self.faults = Tolerance.faults(kind, in: state)
        let machines = state.machines.count
        usablePool = state.machines.map { state.policies.pool ? $0.pool : 0 }
        machineSlots = Array(repeating: [], count: machines)
        base = Array(repeating: [], count: machines)
        topNet = Array(repeating: [], count: machines)
        machineRelease = Array(repeating: 0, count: machines)
        machineAdjust = Array(repeating: 0, count: machines)
        machineOwn = Array(repeating: 0, count: machines)
        machineMark = Array(repeating: 0, count: machines)
        asked = Array(repeating: 0, count: machines)
        slotSum = []
        learnFaults()
        buildBounds()
    }

    // MARK: - The facts of each fault

    /// Simulates every fault alone (O(spec) in all) and keeps what the
    /// search needs of it.
    private mutating func learnFaults() {
        var slots: [OSAddress: Int] = [:]
        var faultOfOS: [OSAddress: Int] = [:]
        for (i, fault) in faults.enumerated() {
            if case .os(let x) = fault { faultOfOS[x] = i }
        }
        for fault in faults {
            let outcome = SetRules.outcome(of: [fault], in: state)
            simulated += 1
            weight.append(1 + outcome.stopped.count + outcome.receivers.reduce(0) { $0 + $1.copies.count })
            coveredAlone.append(outcome.covered)
            var machines = outcome.receivers.map(\.standby.machine)
            if case .machine(let m) = fault { machines.append(m) }
            resources.append(Array(Set(machines)).sorted())
            var asks: [Demand] = []
            var stoppers: [Int] = []
            for r in outcome.receivers {
                switch kind {
                case .os: if let j = faultOfOS[r.standby] { stoppers.append(j) }
                case .machine: stoppers.append(r.standby.machine)
                }
                let bytes = max(0, r.need - r.handed)
                guard bytes > 0 else { continue }
                let slot: Int
                if let known = slots[r.standby] {
                    slot = known
                } else {
                    slot = slotMachine.count
                    slots[r.standby] = slot
                    slotMachine.append(r.standby.machine)
                    slotFree.append(r.free)
                    slotTop.append([])
                    machineSlots[r.standby.machine].append(slot)
                }
                asks.append(Demand(slot: slot, bytes: bytes))
            }
            demands.append(asks)
            dependsOn.append(stoppers)
            releases.append(state.policies.pool ? outcome.released.filter { $0.bytes > 0 } : [])
        }
        slotSum = Array(repeating: 0, count: slotMachine.count)
    }

    /// The sums of the largest values, r = 0…K; past the list's end it adds
    /// `zeros` zeros, then `tail`'s values in order.
    private func prefixSums(_ values: [Int], zeros: Int = .max, tail: [Int] = []) -> [Int] {
        var sums = [0]
        for r in 0..<maxK {
            var next = sums[r]
            if r < values.count {
                next += values[r]
            } else if r - values.count >= zeros, r - values.count - zeros < tail.count {
                next += tail[r - values.count - zeros]
            }
            sums.append(next)
        }
        return sums
    }

    /// The bounds: per standby the largest demands, per machine `base` and
    /// `topNet`. Every sum stays below memory + 2·IN(M) of its machine
    /// (demands add up to at most the copies' standby_memory, releases to at
    /// most the machine's memory), which the compiler keeps below 2^63
    /// (`Compile/FigureBounds.swift`).
    private mutating func buildBounds() {
        var bySlot = Array(repeating: [Int](), count: slotMachine.count)
        var nets = Array(repeating: [Int](), count: state.machines.count)
        var perMachine: [Int: Int] = [:]
        for f in faults.indices {
            perMachine.removeAll(keepingCapacity: true)
            for d in demands[f] {
                bySlot[d.slot].append(d.bytes)
                perMachine[slotMachine[d.slot], default: 0] += d.bytes
            }
            for r in releases[f] { perMachine[r.machine, default: 0] -= r.bytes }
            for (m, net) in perMachine where net != 0 { nets[m].append(net) }
        }
        for s in slotTop.indices { slotTop[s] = prefixSums(bySlot[s].sorted(by: >)) }
        for m in state.machines.indices where !machineSlots[m].isEmpty {
            demanded.append(m)
            base[m] = (0...maxK).map { r in
                machineSlots[m].reduce(0) { $0 + max(0, slotTop[$1][r] - slotFree[$1]) }
            }
            let positive = nets[m].filter { $0 > 0 }.sorted(by: >)
            let negative = nets[m].filter { $0 < 0 }.sorted(by: >)
            topNet[m] = prefixSums(positive, zeros: faults.count - positive.count - negative.count, tail: negative)
        }
    }

    /// An upper bound on what any r faults leave machine `m` short (≤ 0: never short).
    private func unsafety(_ m: Int, _ r: Int) -> Int {
        guard !base[m].isEmpty else { return -usablePool[m] }
        return min(base[m][r], topNet[m][r]) - usablePool[m]
    }

    // MARK: - The answer

    private enum SizeResult {
        case covered
        case found([Int])
        case stopped
    }

    mutating func run() -> KindTolerance {
        let n = faults.count
        func answer(k: Int, checked: Int, complete: Bool = true, set: [Int]? = nil) -> KindTolerance {
            KindTolerance(
                kind: kind, k: k, checkedUpTo: checked, possibleFaults: n, maxK: maxK, complete: complete,
                examined: examined, simulated: simulated,
                counterexample: set.map { Tolerance.counterexample($0.map { faults[$0] }, kind: kind, in: state) })
        }
        if let first = coveredAlone.firstIndex(of: false) { return answer(k: 0, checked: 1, set: [first]) }
        let top = min(maxK, n)
        if top >= 2 {
            for s in 2...top {
                switch search(size: s) {
                case .covered: continue
                case .found(let set): return answer(k: s - 1, checked: s, set: set)
                case .stopped: return answer(k: s - 1, checked: s - 1, complete: false)
                }
            }
        }
        // Every possible set of at most K faults is covered (there may be fewer than K faults).
        return answer(k: maxK, checked: top)
    }

    /// The first pair in plan order where one fault stops a standby the other's
    /// copies need: such a pair loses a copy, whatever the memory.
    private func firstDependentPair() -> [Int]? {
        var best: [Int]?
        for (i, others) in dependsOn.enumerated() {
            for j in others where j != i {
                let pair = [min(i, j), max(i, j)]
                if best.map({ pair.lexicographicallyPrecedes($0) }) ?? true { best = pair }
            }
        }
        return best
    }

    // MARK: - One size

    /// The first uncovered set of size `s` in plan order, when every smaller
    /// set is covered.
    private mutating func search(size s: Int) -> SizeResult {
        // A pair that loses a copy is uncovered whatever the memory; only pairs
        // before it can be the answer. (Past size 2 there is none: it would
        // have been found there.)
        let limit = s == 2 ? firstDependentPair() : nil
        let unsafe = demanded.filter { unsafety($0, s) > 0 }
        guard !unsafe.isEmpty else { return limit.map { .found($0) } ?? .covered }
        var enumeration = Enumeration(self, size: s, unsafe: unsafe, limit: limit)
        let result = enumeration.run(&self)
        switch result {
        case .stopped: return .stopped
        case .found(let set): return .found(set)
        case .covered: return limit.map { .found($0) } ?? .covered
        }
    }

    // MARK: - Pieces the enumeration uses

    /// Whether two faults draw on a common machine.
    fileprivate func interact(_ a: Int, _ b: Int) -> Bool {
        let x = resources[a]
        let y = resources[b]
        var i = 0
        var j = 0
        while i < x.count && j < y.count {
            if x[i] == y[j] { return true }
            if x[i] < y[j] { i += 1 } else { j += 1 }
        }
        return false
    }

    fileprivate func resourcesOf(_ f: Int) -> [Int] { resources[f] }

    /// The machines `f` makes a demand on.
    fileprivate func demandedMachines(_ f: Int) -> [Int] { demands[f].map { slotMachine[$0.slot] } }

    /// Simulates a set with the rules: is it covered?
    fileprivate mutating func simulate(_ set: [Int]) -> Bool {
        simulated += 1
        return SetRules.outcome(of: set.map { faults[$0] }, in: state).covered
    }

    /// The steps one set or partial set costs, beyond the step of looking at
    /// it: the resources its components compare (K per fault), the demands and
    /// releases the bound adds up, the machines it checks, and the jobs and
    /// copies a simulation reads. Charged before the work, so that a step of
    /// the limit is O(1) work, whatever the spec.
    fileprivate func cost(of set: [Int], relevant: Int) -> Int {
        var steps = relevant
        for f in set {
            steps += resources[f].count * set.count + demands[f].count + releases[f].count + weight[f]
        }
        return steps
    }

    /// Counts one set or partial set looked at; `false` past the limit.
    fileprivate mutating func examine(_ steps: Int = 1) -> Bool {
        guard examined <= maxSets - steps else {
            examined = maxSets
            return false
        }
        examined += steps
        return true
    }

    /// Whether every set made of `set` and `r` more faults is surely covered
    /// on each machine of `relevant` (the only machines where such a set can
    /// be short): per machine, with a_S = what `set` asks of standby S beyond
    /// what it hands it,
    ///
    /// - B1 = Σ_S max(0, a_S + top(S, r) − free(S)) − pool − released by `set`,
    /// - B2 = Σ_S max(0, a_S − free(S)) + topNet(r) − pool − released by `set`,
    ///
    /// each an upper bound on missing − held for every completion (the r
    /// faults added ask at most top(S, r) of S, and at most topNet(r) of the
    /// machine net of what they release); the set is covered there when
    /// either is ≤ 0. A machine `set` asks nothing of is bounded by the r
    /// added faults alone.
    fileprivate mutating func surelyCovered(_ set: [Int], adding r: Int, relevant: [Int]) -> Bool {
        machineToken += 1
        let token = machineToken
        var slots: [Int] = []
        var touched: [Int] = []
        func touch(_ m: Int) {
            if machineMark[m] != token {
                machineMark[m] = token
                touched.append(m)
            }
        }
        for f in set {
            for d in demands[f] {
                if slotSum[d.slot] == 0 { slots.append(d.slot) }
                slotSum[d.slot] += d.bytes
            }
            for rel in releases[f] {
                touch(rel.machine)
                machineRelease[rel.machine] += rel.bytes
            }
        }
        for slot in slots {
            let m = slotMachine[slot]
            touch(m)
            asked[m] = token
            let a = slotSum[slot]
            let top = slotTop[slot][r]
            let free = slotFree[slot]
            machineAdjust[m] += max(0, a + top - free) - max(0, top - free)
            machineOwn[m] += max(0, a - free)
        }
        var covered = true
        for m in relevant {
            let held = usablePool[m] + machineRelease[m]
            let bound =
                asked[m] == token
                ? min(base[m][r] + machineAdjust[m], machineOwn[m] + topNet[m][r]) - held
                : unsafety(m, r) - machineRelease[m]
            if bound > 0 {
                covered = false
                break
            }
        }
        for slot in slots { slotSum[slot] = 0 }
        for m in touched {
            machineRelease[m] = 0
            machineAdjust[m] = 0
            machineOwn[m] = 0
        }
        return covered
    }

    fileprivate var faultCount: Int { faults.count }
    fileprivate var machineCount: Int { state.machines.count }
}

/// The enumeration of connected sets of one size in plan order, restricted to
/// the faults near a machine that some set of that size could leave short.
private struct Enumeration {
    let size: Int
    let limit: [Int]?
    /// The machines some set of this size could leave short.
    var unsafeMachine: [Bool]
    /// The faults within size − 1 steps of a fault that asks something of an unsafe machine.
    var near: [Bool]
    /// Per machine, the near faults that draw on it, ascending.
    var nearOn: [[Int]]

    // Per root.
    var stamp: [Int]
    var machineStamp: [Int]
    var token = 0
    var machineToken = 0
    var ball: [Int] = []
    var relevant: [Int] = []

    enum Result {
        case covered
        case found([Int])
        case stopped
    }

    init(_ search: ToleranceSearch, size: Int, unsafe: [Int], limit: [Int]?) {
        self.size = size
        self.limit = limit
        let n = search.faultCount
        let machines = search.machineCount
        var isUnsafe = Array(repeating: false, count: machines)
        for m in unsafe { isUnsafe[m] = true }
        unsafeMachine = isUnsafe
        // Every fault's neighbours through each machine, for the first walk.
        var on = Array(repeating: [Int](), count: machines)
        for f in 0..<n {
            for m in search.resourcesOf(f) { on[m].append(f) }
        }
        // Faults within size − 1 steps of a fault asking something of an unsafe machine.
        near = Array(repeating: false, count: n)
        var frontier: [Int] = []
        for f in 0..<n where search.demandedMachines(f).contains(where: { isUnsafe[$0] }) {
            near[f] = true
            frontier.append(f)
        }
        var seenMachine = Array(repeating: false, count: machines)
        for _ in 0..<(size - 1) {
            var next: [Int] = []
            for f in frontier {
                for m in search.resourcesOf(f) where !seenMachine[m] {
                    seenMachine[m] = true
                    for g in on[m] where !near[g] {
                        near[g] = true
                        next.append(g)
                    }
                }
            }
            frontier = next
        }
        nearOn = Array(repeating: [], count: machines)
        for f in 0..<n where near[f] {
            for m in search.resourcesOf(f) { nearOn[m].append(f) }
        }
        stamp = Array(repeating: 0, count: n)
        machineStamp = Array(repeating: 0, count: machines)
    }

    mutating func run(_ search: inout ToleranceSearch) -> Result {
        for v in 0..<search.faultCount where near[v] {
            if let limit, v > limit[0] { return .covered }
            guard search.examine() else { return .stopped }
            let scanned = prepare(root: v, search)
            // The walk read every fault of the lists it went through: that work
            // counts too, so that a fault shared by thousands of others cannot
            // make the roots alone cost the square of the spec. (One walk is
            // O(spec); it is charged when done, so the limit is passed by at
            // most one walk.)
            guard search.examine(scanned) else { return .stopped }
            guard ball.count >= size - 1, !relevant.isEmpty else { continue }
            let tight = limit.map { $0[0] == v } ?? false
            switch extend([v], from: 0, tight: tight, &search) {
            case .covered: continue
            case let result: return result
            }
        }
        return .covered
    }

    /// The faults after `v` within size − 1 steps of it (through faults after
    /// `v`), and the unsafe machines they and `v` ask something of.
    /// Returns how many entries it read: the lists' entries and the faults' machines.
    mutating func prepare(root v: Int, _ search: ToleranceSearch) -> Int {
        var scanned = 0
        token += 1
        stamp[v] = token
        ball.removeAll(keepingCapacity: true)
        relevant.removeAll(keepingCapacity: true)
        machineToken += 1
        var frontier = [v]
        for _ in 0..<(size - 1) {
            var next: [Int] = []
            for f in frontier {
                scanned += search.resourcesOf(f).count
                for m in search.resourcesOf(f) where machineStamp[m] != machineToken {
                    machineStamp[m] = machineToken
                    let list = nearOn[m]
                    let from = firstAfter(v, in: list)
                    scanned += list.count - from
                    for g in list[from...] where stamp[g] != token {
                        stamp[g] = token
                        next.append(g)
                    }
                }
            }
            ball += next
            frontier = next
        }
        ball.sort()
        machineToken += 1
        for f in [v] + ball {
            let demanded = search.demandedMachines(f)
            scanned += 1 + demanded.count
            for m in demanded where unsafeMachine[m] && machineStamp[m] != machineToken {
                machineStamp[m] = machineToken
                relevant.append(m)
            }
        }
        return scanned
    }

    /// The position of the first element above `value` in an ascending list.
    func firstAfter(_ value: Int, in list: [Int]) -> Int {
        var low = 0
        var high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid] <= value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Whether `f` is within reach of the current root.
    func inBall(_ f: Int) -> Bool { stamp[f] == token }

    /// Extends `set` (sorted, starting with the root) by faults after its last
    /// one, in plan order. `tight`: `set` equals the limit's first elements.
    mutating func extend(_ set: [Int], from start: Int, tight: Bool, _ search: inout ToleranceSearch) -> Result {
        let r = size - set.count - 1  // faults still to add after the next one
        let last = set[set.count - 1]
        let candidates: [Int]
        if r == 0 {
            // The next fault completes the set, which must be connected: it is a
            // neighbour. The lists read are charged first.
            var entries = 0
            for f in set {
                for m in search.resourcesOf(f) {
                    let list = nearOn[m]
                    entries += 1 + list.count - firstAfter(last, in: list)
                }
            }
            guard search.examine(entries) else { return .stopped }
            var found = Set<Int>()
            for f in set {
                for m in search.resourcesOf(f) {
                    let list = nearOn[m]
                    for g in list[firstAfter(last, in: list)...] where inBall(g) { found.insert(g) }
                }
            }
            candidates = found.sorted()
        } else {
            candidates = Array(ball[start...])
        }
        for (offset, u) in candidates.enumerated() {
            var childTight = false
            if tight, let limit {
                let bound = limit[set.count]
                if u > bound { break }
                childTight = u == bound
                if r == 0 && childTight { break }
            }
            let next = set + [u]
            guard search.examine(1 + search.cost(of: next, relevant: relevant.count)) else { return .stopped }
            if r == 0 {
                guard connected(next, search) else { continue }
                if search.surelyCovered(next, adding: 0, relevant: relevant) { continue }
                if !search.simulate(next) { return .found(next) }
                continue
            }
            guard feasible(next, adding: r, search) else { continue }
            if search.surelyCovered(next, adding: r, relevant: relevant) { continue }
            let position = start + offset + 1
            switch extend(next, from: position, tight: childTight, &search) {
            case .covered: continue
            case let result: return result
            }
        }
        return .covered
    }

    /// The components of `set` (at most K faults), by pairwise interaction.
    func components(_ set: [Int], _ search: ToleranceSearch) -> [[Int]] {
        var parent = Array(set.indices)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { i = parent[i] }
            return i
        }
        for a in set.indices {
            for b in (a + 1)..<set.count where search.interact(set[a], set[b]) {
                parent[root(a)] = root(b)
            }
        }
        var groups: [Int: [Int]] = [:]
        for i in set.indices { groups[root(i), default: []].append(set[i]) }
        return groups.keys.sorted().compactMap { groups[$0] }
    }

    func connected(_ set: [Int], _ search: ToleranceSearch) -> Bool { components(set, search).count == 1 }

    /// A necessary condition for `set` plus `r` faults after its last one to
    /// be connected: at most r + 1 components, each with a neighbour after
    /// the last one.
    func feasible(_ set: [Int], adding r: Int, _ search: ToleranceSearch) -> Bool {
        let parts = components(set, search)
        guard parts.count - 1 <= r else { return false }
        let last = set[set.count - 1]
        return parts.allSatisfy { part in
            part.contains { f in search.resourcesOf(f).contains { m in (nearOn[m].last ?? -1) > last } }
        }
    }
}
