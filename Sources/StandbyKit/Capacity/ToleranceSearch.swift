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
        var enumeration = ToleranceEnumeration(self, size: s, unsafe: unsafe, limit: limit)
        let result = enumeration.run(&self)
        switch result {
        case .stopped: return .stopped
        case .found(let set): return .found(set)
        case .covered: return limit.map { .found($0) } ?? .covered
        }
    }

    // MARK: - Pieces the enumeration uses

    /// Whether two faults draw on a common machine.
    func interact(_ a: Int, _ b: Int) -> Bool {
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

    func resourcesOf(_ f: Int) -> [Int] { resources[f] }

    /// The machines `f` makes a demand on.
    func demandedMachines(_ f: Int) -> [Int] { demands[f].map { slotMachine[$0.slot] } }

    /// Simulates a set with the rules: is it covered?
    mutating func simulate(_ set: [Int]) -> Bool {
        simulated += 1
        return SetRules.outcome(of: set.map { faults[$0] }, in: state).covered
    }

    /// The steps one set or partial set costs, beyond the step of looking at
    /// it: the resources its components compare (K per fault), the demands and
    /// releases the bound adds up, the machines it checks, and the jobs and
    /// copies a simulation reads. Charged before the work, so that a step of
    /// the limit is O(1) work, whatever the spec.
    func cost(of set: [Int], relevant: Int) -> Int {
        var steps = relevant
        for f in set {
            steps += resources[f].count * set.count + demands[f].count + releases[f].count + weight[f]
        }
        return steps
    }

    /// Counts one set or partial set looked at; `false` past the limit.
    mutating func examine(_ steps: Int = 1) -> Bool {
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
    mutating func surelyCovered(_ set: [Int], adding r: Int, relevant: [Int]) -> Bool {
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

    var faultCount: Int { faults.count }
    var machineCount: Int { state.machines.count }
}
