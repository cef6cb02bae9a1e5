extension PlanRenderer {
    /// Writes every machine of `figures` as elements of the plan's `machines`
    /// array, the bytes ``writeMachineJSON(_:piece:into:flush:)`` writes one
    /// machine after the other, with the machines simulated and written on
    /// every core at once.
    ///
    /// Once the figures are known, a machine's cases and report depend on
    /// nothing another machine's writing does, and writing them is most of a
    /// fleet plan's time. Each thread simulates with its own scratch space and
    /// writes each machine into a writer of its own, a continuation of `json`
    /// (``JSONWriter/restart(at:)``); the writers are flushed in machine order
    /// as they are done (``parallelInOrder(_:threads:window:produce:consume:)``),
    /// a few machines ahead at most, and `json` goes on from where the last one
    /// stands, so the output is the same, byte for byte, on any number of cores.
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
        guard threads > 1 && count > 2 else {
            for m in 1..<count {
                writeMachineJSON(
                    figures.exportMachine(m, simulator: simulators[0].0, namer: simulators[0].1), piece: piece,
                    into: &json, flush: flush)
            }
            return
        }
        flush(&json)
        // Read by every thread, written by none.
        nonisolated(unsafe) let start = json.continuation()
        let last = count - 2
        parallelInOrder(count - 1, threads: threads, window: 2 * threads) { i, thread, product in
            let (simulator, namer) = simulators[thread]
            // Taken out, so that the writer's buffer is not shared, and not copied.
            var writer = product.take() ?? JSONWriter()
            writer.restart(at: start)
            writeMachineJSON(
                figures.exportMachine(1 + i, simulator: simulator, namer: namer), piece: .max, into: &writer,
                flush: { _ in })
            product = writer
        } consume: { i, writer in
            flush(&writer)
            // `json` stands where the last machine ends.
            if i == last { json.append(writer) }
        }
    }
}
