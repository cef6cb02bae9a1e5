// The plan as CSV (RFC 4180), one record per case.

extension PlanRenderer {
    // MARK: - CSV

    static func renderCSV(
        _ machines: some Sequence<some ExportedMachine>, piece: Int, flush: (inout CSVWriter) -> Void
    ) {
        var csv = CSVWriter()
        writeCSVHeader(into: &csv)
        flush(&csv)
        for machine in machines { writeMachineCSV(machine, piece: piece, into: &csv, flush: flush) }
        flush(&csv)
    }

    /// The plan's CSV with the rows of its machines made on every core, written
    /// in machine order as soon as those before them are: the bytes of
    /// ``renderCSV(_:piece:flush:)``, as ``writeMachinesJSONInParallel(_:into:piece:flush:)``
    /// does for the JSON.
    static func renderCSVInParallel(_ figures: PlanFigures, piece: Int, flush: (inout CSVWriter) -> Void) {
        let threads = parallelThreads()
        guard threads > 1 && figures.machineCount > 1 else {
            return renderCSV(figures.exportMachines(), piece: piece, flush: flush)
        }
        var csv = CSVWriter()
        writeCSVHeader(into: &csv)
        flush(&csv)
        nonisolated(unsafe) let simulators = figures.exporters(threads)
        parallelInOrder(figures.machineCount, threads: threads, window: 2 * threads) { m, thread, product in
            let (simulator, namer) = simulators[thread]
            // Taken out, so that the writer's buffer is not shared, and not copied.
            var writer = product.take() ?? CSVWriter()
            writeMachineCSV(
                figures.exportMachine(m, simulator: simulator, namer: namer), piece: .max, into: &writer,
                flush: { _ in })
            product = writer
        } consume: { _, writer in
            flush(&writer)
        }
    }

    private static func writeCSVHeader(into csv: inout CSVWriter) {
        for field in csvHeader { csv.field(field) }
        csv.endRow()
    }

    /// One row per case of `machine`; the rows are flushed once `piece` bytes or
    /// more are buffered.
    private static func writeMachineCSV(
        _ machine: some ExportedMachine, piece: Int, into csv: inout CSVWriter, flush: (inout CSVWriter) -> Void
    ) {
        let name = machine.plan.name
        machine.forEachCase { c in
            csv.field(name)
            csv.field(text: c.id)
            csv.field(text: c.kindName)
            csv.field(text: c.target)
            if let severity = c.severityName { csv.field(text: severity) } else { csv.field("") }
            csv.field(c.covered ? "true" : "false")
            csv.field(c.shortfall)
            csv.field(c.poolDraw)
            csv.field(joining: c.lostJobs, separator: csvListSeparatorByte)
            csv.endRow()
            if csv.bufferedByteCount >= piece { flush(&csv) }
        }
    }

    /// ``csvListSeparator`` as its one byte.
    static let csvListSeparatorByte = UInt8(ascii: ";")

}
