// One case step by step (`plan --case`) as a document: the tables before the
// fault, the numbered steps, the tables after. Text and Markdown render it.

/// One block of the report of a case.
enum CaseBlock {
    /// The case's id, first.
    case title(String)
    /// A machine's final start-up table, before the fault.
    case before(CaseTable)
    /// Every step the monitor takes, in order; none when nothing moves.
    case steps([Words])
    /// A machine's table after the last step (`lost` when the machine failed).
    case after(CaseTable)
}

extension PlanRenderer {
    /// The blocks of a case's report, in reading order, handed to `yield`.
    static func walkCase(_ trace: CaseTrace, unit: Size.Unit, _ yield: (CaseBlock) -> Void) {
        yield(.title(trace.caseID))
        for table in trace.before { yield(.before(table)) }
        // The machine is named in a step only when the case touches more than one.
        let prefix = trace.before.count > 1
        yield(.steps(trace.events.map { Sentences.step($0, unit: unit, machinePrefix: prefix) }))
        for table in trace.after { yield(.after(table)) }
    }
}
