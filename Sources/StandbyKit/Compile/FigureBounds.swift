extension DiagnosticCode {
    /// Some figure of the plan could pass 2^63−1 bytes.
    public static let totalTooLarge: Self = "total-too-large"
}

/// Upper bounds of every figure the planner computes, checked at compile time
/// so that the planner's sums never pass 2^63−1 bytes (`docs/planning.md`,
/// "Arithmetic"). A spec whose bounds do not fit gets a `total-too-large`
/// error located at the machine whose figures, or whose share of the fleet's
/// totals, pass it.
///
/// Per machine M, with IN(M) the Σ `standby_memory` of every hot-standby job
/// (of any machine) whose standby is on M:
///
/// - monitor + footprint + Σ (kernel + resident) of M's standbys ≤ memory(M):
///   they are disjoint regions of M's table;
/// - the fluid total adds Σ extra(S) ≤ IN(M), the larger of the reserve
///   minimum ≤ IN(M) and the machine's `reserve`, and the rounding of the
///   standby minimums and the reserve minimum to whole granules (less than a
///   granule each);
///   the static total adds Σ largest copy set ≤ IN(M); min(S) and a covering
///   allocation add at most IN(M);
/// - the duplicate total adds per standby the largest footprint it protects,
///   at most P(S) = the largest, over the actives sending it copies, of
///   min(their machine's memory, their allocation + Σ their jobs' memory);
///
/// so every machine figure is at most memory(M) + 2·IN(M) + Σ P(S) + reserve(M)
/// + granule(M)·(OSes + 1), and the
/// fleet's totals at most the sum of that over the machines. A case on M
/// needs, draws and misses at most Σ `standby_memory` of M's hot-standby jobs,
/// and leaves unprotected at most Σ memory of the jobs whose standby is on M.
/// Every bound is a sum of sizes taken with checked arithmetic: one pass over
/// the jobs.
enum FigureBounds {
    /// A sum of sizes, `nil` once it passed 2^63−1.
    private static func add(_ a: Int?, _ b: Int?) -> Int? {
        guard let a, let b else { return nil }
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : sum
    }

    /// The errors of `spec`'s machines whose figures could pass 2^63−1 bytes,
    /// in document order; then, if every machine fits, the fleet's.
    static func check(_ spec: Spec) -> Diagnostics {
        var diagnostics = Diagnostics()
        let machines = spec.machines
        let resolver = StandbyResolver(machines)
        // Per machine: Σ standby_memory sent to its OSes, Σ memory of the jobs
        // sent there, Σ over its OSes of the largest footprint sending copies;
        // Σ standby_memory of its own hot-standby jobs.
        var incomingCopies: [Int?] = Array(repeating: 0, count: machines.count)
        var incomingMemory: [Int?] = Array(repeating: 0, count: machines.count)
        var outgoingCopies: [Int?] = Array(repeating: 0, count: machines.count)
        var largestSender: [[Int]] = machines.map { Array(repeating: 0, count: $0.oses.count) }
        for (m, machine) in machines.enumerated() {
            // The standby a job names is mostly the one the job before it named:
            // resolved once for each run of jobs naming it.
            var last: (machine: String?, os: String, target: (machine: Int, os: Int)?)?
            for os in machine.oses {
                // The OS's standby is resolved once for all its jobs that name none of their own.
                let osTarget = os.standby.flatMap { resolver.resolve($0, from: m) }
                // The jobs' fields are read in place: a copy of a `Job` would retain all it holds.
                os.jobs.withUnsafeBufferPointer { jobs in
                    // An OS's footprint after start-up: its allocation plus what its jobs
                    // asked of the pool, never more than the machine.
                    let footprint = min(machine.memory, jobs.reduce(os.memory) { add($0, $1.memory) } ?? machine.memory)
                    for j in jobs.indices where jobs[j].hotStandby {
                        // As `Job.failoverTarget(on:)`: the job's own standby, else its OS's.
                        let target: (machine: Int, os: Int)?
                        if let ref = jobs[j].standby {
                            if let last, last.os == ref.os, last.machine == ref.machine {
                                target = last.target
                            } else {
                                target = resolver.resolve(ref, from: m)
                                last = (ref.machine, ref.os, target)
                            }
                        } else {
                            target = osTarget
                        }
                        guard let t = target else { continue }
                        let copies = jobs[j].standbyMemory
                        incomingCopies[t.machine] = add(incomingCopies[t.machine], copies)
                        incomingMemory[t.machine] = add(incomingMemory[t.machine], jobs[j].memory)
                        outgoingCopies[m] = add(outgoingCopies[m], copies)
                        largestSender[t.machine][t.os] = max(largestSender[t.machine][t.os], footprint)
                    }
                }
            }
        }
        var fleet: Int? = 0
        var fleetPassed = false
        for (m, machine) in machines.enumerated() {
            // memory(M) + 2·IN(M) + Σ P(S) + reserve(M) + a granule per OS and one more.
            let (rounding, roundingOverflow) = machine.granule.multipliedReportingOverflow(by: machine.oses.count + 1)
            let slack = roundingOverflow ? nil : add(machine.reserve, rounding)
            let base = add(add(add(machine.memory, incomingCopies[m]), incomingCopies[m]), slack)
            let bound = largestSender[m].reduce(base) { add($0, $1) }
            guard let bound, incomingMemory[m] != nil, outgoingCopies[m] != nil else {
                diagnostics.error(
                    .totalTooLarge,
                    "the plan's figures of machine '\(machine.name)' could pass 8 EiB: its memory and the copies its standbys may start add up to more than that",
                    at: machine.location,
                    notes: [.init("lower the sizes of the machine or of the jobs that fail over to it")])
                continue
            }
            fleet = add(fleet, bound)
            // Once one machine is too large on its own, the fleet's sum says nothing more.
            if fleet == nil && !fleetPassed && !diagnostics.hasErrors {
                fleetPassed = true
                diagnostics.error(
                    .totalTooLarge,
                    "the fleet's totals could pass 8 EiB at machine '\(machine.name)': the machines up to it add up to more than that",
                    at: machine.location,
                    notes: [.init("plan the fleet in several specs, or lower the machines' sizes")])
            }
        }
        return diagnostics
    }
}
