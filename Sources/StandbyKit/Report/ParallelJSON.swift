extension PlanRenderer {
    /// Machines written per round by each thread: enough to keep the threads
    /// busy between two writes of the output, few enough that a round's JSON
    /// (about 160 KB a machine in a fleet) stays small.
    static let machinesPerThreadAndRound = 1

    /// Writes every machine of `figures` as elements of the plan's `machines`
    /// array, the bytes ``writeMachineJSON(_:piece:into:flush:)`` writes one
    /// machine after the other, with the machines of each round simulated and
    /// written on every core at once.
    ///
    /// Once the figures are known, a machine's cases and report depend on
    /// nothing another machine's writing does, and writing them is most of a
    /// fleet plan's time. Each thread simulates with its own scratch space and
    /// writes into its own writer, a ``JSONWriter/continuation()`` of `json`;
    /// the writers are flushed in machine order, and `json` goes on from where
    /// the last one stands, so the output is the same, byte for byte, on any
    /// number of cores.
    static func writeMachinesJSONInParallel(
        _ figures: PlanFigures, into json: inout JSONWriter, piece: Int, flush: (inout JSONWriter) -> Void
    ) {
        let count = figures.machineCount
        guard count > 0 else { return }
        let threads = parallelThreads()
        // Scratch space per thread, each used by that thread alone.
        nonisolated(unsafe) let simulators = (0..<threads).map { _ in
            (CaseSimulator(figures.index), CaseNamer(figures.index))
        }
        // The first machine goes through `json` itself: every later one starts
        // from the same place, after a machine.
        writeMachineJSON(
            figures.exportMachine(0, simulator: simulators[0].0, namer: simulators[0].1), piece: piece,
            into: &json, flush: flush)
        guard threads > 1 else {
            for m in 1..<count {
                writeMachineJSON(
                    figures.exportMachine(m, simulator: simulators[0].0, namer: simulators[0].1), piece: piece,
                    into: &json, flush: flush)
            }
            return
        }
        let round = threads * machinesPerThreadAndRound
        var next = 1
        while next < count {
            let machines = next..<min(count, next + round)
            // Read by every thread, written by none.
            nonisolated(unsafe) let start = json.continuation()
            // Thread t writes machines t, t + threads, … of the round.
            var written = parallel(threads) { thread in
                let (simulator, namer) = simulators[thread]
                return stride(from: thread, to: machines.count, by: threads).map { i in
                    var writer = start.continuation()
                    writeMachineJSON(
                        figures.exportMachine(machines.lowerBound + i, simulator: simulator, namer: namer),
                        piece: .max, into: &writer, flush: { _ in })
                    return writer
                }
            }
            // Each piece goes out from its own writer, uncopied, in machine
            // order; `json` then stands where the round ended.
            flush(&json)
            for i in 0..<machines.count { flush(&written[i % threads][i / threads]) }
            let last = machines.count - 1
            json.append(written[last % threads][last / threads])
            next = machines.upperBound
        }
    }
}
