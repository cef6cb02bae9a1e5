import StandbyKit

/// What `standby fix` says on standard error, said once its output is
/// written: a change is claimed ("… covers the case short on it") only when it is in
/// what was written. A run whose output fails or is refused says only why.
enum FixMessages {
    /// The machines said one line each, at most (as the plan's summary lists).
    static let maxMachineLines = ListCap.lines

    /// Each machine's change, as written: a machine whose edits were all
    /// written gets its sentence; one with some edits left gets the written
    /// ones without a claim of what they cover, the left ones follow as
    /// warnings; the cases no memory covers follow as notes.
    static func write(_ advice: Advice, _ edited: SpecEditor.Result, path: String) {
        var err = StandardError()
        for line in lines(advice, edited, path: path) { err.write(line + "\n") }
    }

    /// The lines ``write(_:_:path:)`` writes, every one safe for a terminal.
    static func lines(_ advice: Advice, _ edited: SpecEditor.Result, path: String) -> [String] {
        var lines: [String] = []
        if advice.machines.isEmpty {
            lines.append(
                advice.uncoverable.isEmpty
                    ? "standby: nothing to change: every job starts and every case is covered"
                    : "standby: nothing to change: every job starts and every case memory can cover is covered")
        }
        let left = Set(edited.left.map(\.edit))
        // A fleet's fix changes hundreds of machines: the first ones are said,
        // as the plan's summary says its lists, and how many more (the output
        // has them all).
        let said = advice.machines.prefix(maxMachineLines)
        for change in said {
            var written = change
            written.edits = change.edits.filter { !left.contains($0) }
            if written.edits.count == change.edits.count {
                lines.append(change.sentence(path: path))
            } else if !written.edits.isEmpty {
                lines.append(
                    written.editsSentence(path: path)
                        + " written; its cases are covered once the values below are set too")
            }
        }
        if advice.machines.count > said.count {
            let more = advice.machines.count - said.count
            lines.append(
                "… and \(more) more \(more == 1 ? "machine" : "machines") changed: the written spec has them all, and --format diff shows each")
        }
        for l in edited.left {
            lines.append(
                TerminalText.escaped(
                    "standby: warning: \(l.edit.target) not written (\(l.reason)): set it to \(Quantity.literal(l.edit.to))"))
        }
        for c in advice.uncoverable {
            lines.append(
                TerminalText.escaped(
                    "standby: note: \(c.id) stays uncovered: no memory brings back \(c.unrecoverable.map(\.job).joined(separator: ", "))"))
        }
        return lines
    }
}
