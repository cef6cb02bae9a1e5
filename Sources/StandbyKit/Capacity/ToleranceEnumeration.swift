// The enumeration behind `ToleranceSearch` (ToleranceSearch.swift states the
// search): the connected sets of one size, in plan order, near a machine some
// set of that size could leave short.

/// The enumeration of connected sets of one size in plan order, restricted to
/// the faults near a machine that some set of that size could leave short.
struct ToleranceEnumeration {
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
