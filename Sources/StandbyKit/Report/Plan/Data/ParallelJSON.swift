extension PlanRenderer {
    /// Writes every machine of `figures` as elements of the plan's `machines`
    /// array, the bytes ``writeMachineJSON(_:piece:into:flush:)`` writes one
    /// machine after the other, with the machines simulated and written on
    /// every core at once.
    ///
    /// Once the figures are known, a machine's cases and report depend on
    /// nothing another machine's writing does, and writing them is most of a
    /// fleet plan's time. Each thread simulates with its own scratch space;
    /// ``JSONWriter/writeElementsInParallel(_:threads:flush:write:)`` keeps the
    /// output the same, byte for byte, on any number of cores.
    static func writeMachinesJSONInParallel(
        _ figures: PlanFigures, compiled: CompiledSpec, fix: PlanFix?, into json: inout JSONWriter, piece: Int, flush: (inout JSONWriter) -> Void
    ) {
        let threads = parallelThreads()
        nonisolated(unsafe) let simulators = figures.exporters(threads)
        json.writeElementsInParallel(figures.machineCount, threads: threads, flush: flush) { m, thread, writer, flush in
            let (simulator, namer) = simulators[thread]
            let machine = figures.exportMachine(m, simulator: simulator, namer: namer)
            writeMachineJSON(
                machine, fix: fix?.edits(of: machine.plan.name) ?? [],
                layout: LeastLayout.of(machine.plan, in: compiled, machine: m), piece: piece, into: &writer, flush: flush)
        }
    }
}

extension JSONWriter {
    /// Writes `count` elements of the array this writer stands in, element `i`
    /// by `write(i, thread, &writer, flush)`, on `threads` threads at once:
    /// the bytes of writing them one after the other.
    ///
    /// The first element is written here, and every later one starts from the
    /// same place, after an element: each is written into a writer of its own,
    /// a continuation (``restart(at:)``) reused from element to element, and
    /// the writers are flushed in order as they are done
    /// (``parallelInOrder(_:threads:window:produce:consume:)``), a few elements
    /// ahead at most; this writer then stands where the last one ends. `write`
    /// may call the `flush` it is given to hand bytes out early: on one thread
    /// that is `flush`, on several it does nothing, and an element is held
    /// whole until its turn.
    mutating func writeElementsInParallel(
        _ count: Int, threads: Int, flush: (inout JSONWriter) -> Void,
        write: (_ index: Int, _ thread: Int, _ writer: inout JSONWriter, _ flush: (inout JSONWriter) -> Void) -> Void
    ) {
        guard count > 0 else { return }
        let oneThread = threads < 2 || count < 3
        // `write` gets `flush` only to call it before returning.
        withoutActuallyEscaping(flush) { flush in
            for i in 0..<(oneThread ? count : 1) { write(i, 0, &self, flush) }
        }
        guard !oneThread else { return }
        flush(&self)
        // Read by every thread, written by none.
        nonisolated(unsafe) let start = continuation()
        let last = count - 2
        parallelInOrder(count - 1, threads: threads, window: 2 * threads) { i, thread, product in
            // Taken out, so that the writer's buffer is not shared, and not copied.
            var writer = product.take() ?? JSONWriter()
            writer.restart(at: start)
            write(1 + i, thread, &writer) { _ in }
            product = writer
        } consume: { i, writer in
            flush(&writer)
            if i == last { self.append(writer) }
        }
    }
}
