// Every sentence the human reports (text, Markdown, HTML) say: written once
// here, as ``Words`` each format renders with its own escaping.

/// The sentences of the human reports. Sizes are shown in the unit given.
enum Sentences {
    /// `no — 1 of 7 cases is not covered`, `yes — all 7 cases are covered`.
    static func coverage(total: Int, uncovered: Int) -> String {
        if total == 0 { return "yes — no case was simulated" }
        if uncovered == 0 {
            return total == 1 ? "yes — the only case is covered" : "yes — all \(total) cases are covered"
        }
        let cases = total == 1 ? "case" : "cases"
        return "no — \(uncovered) of \(total) \(cases) \(uncovered == 1 ? "is" : "are") not covered"
    }

    /// `short for other machines' copies: up to 2 GiB, in 3 cases of rack1`:
    /// a machine whose standbys or pool run short in cases of other machines
    /// (their jobs' copies start on its standbys), named in plan order.
    static func shortForOthers(cases: Int, largest: Int, sources: [String], more: Bool, unit: Size.Unit) -> Words {
        var words: Words =
            "short for other machines' copies: up to \(Size.format(largest, unit: unit)), in \(cases) "
            + "case\(cases == 1 ? "" : "s") of \(names: sources)"
        if more { words += " and others" }
        return words
    }

    /// `fluid 384 MiB vs duplicate 416 MiB: saves 32 MiB (7.7 %); static 384 MiB`,
    /// every size in one scale: that of the block of figures it sums up
    /// (`also` holds the block's other figures), so that a size reads alike in both.
    static func savings(
        fluid: Int, duplicate: Int, static staticTotal: Int, savings: Int, percent: RoundedPercent, unit: Size.Unit,
        also: [Int] = []
    ) -> String {
        // The magnitude of Int.min does not fit an Int; no plan comes near it.
        let saved = savings >= 0 ? savings : (savings == Int.min ? Int.max : -savings)
        let scale = Size.scale(for: [fluid, duplicate, staticTotal, savings] + also, unit: unit)
        var text = "fluid \(scale.format(fluid)) vs duplicate \(scale.format(duplicate)): "
        if savings >= 0 {
            text += "saves \(scale.format(saved)) (\(percent) %)"
        } else {
            text += "costs \(scale.format(saved)) more (\(percent) %)"
        }
        return text + "; static \(scale.format(staticTotal))"
    }

    /// The savings of the fleet's totals.
    static func savings(_ t: FleetTotals, unit: Size.Unit) -> String {
        savings(
            fluid: t.fluidTotal, duplicate: t.duplicateTotal, static: t.staticTotal, savings: t.savings,
            percent: t.savingsPercent, unit: unit, also: [t.footprint, t.reserveMinimum])
    }

    /// The savings of one machine.
    static func savings(_ m: MachinePlan, unit: Size.Unit) -> String {
        savings(
            fluid: m.fluidTotal, duplicate: m.duplicateTotal, static: m.staticTotal, savings: m.savings,
            percent: m.savingsPercent, unit: unit, also: [m.footprint, m.reserveMinimum, m.pool])
    }

    /// `os, job, standby, memory`, or `none`.
    static func faultList(_ faults: [FaultKind]) -> String {
        faults.isEmpty ? "none" : faults.map(\.rawValue).joined(separator: ", ")
    }

    /// One machine's least-memory change: `vms50: memory 256 MiB → 384 MiB
    /// (spec.yaml:4:13) covers the case short on it`.
    static func fix(_ change: Advice.MachineChange, path: String, shared: Set<SourceLocation> = []) -> Words {
        "\(name: change.machine): " + fixEdits(change, path: path, shared: shared)
    }

    /// The change without the machine's name, for a line already about it:
    /// `memory 256 MiB → 384 MiB (spec.yaml:4:13) covers the case short on it`.
    static func fixEdits(_ change: Advice.MachineChange, path: String, shared: Set<SourceLocation> = []) -> Words {
        edits(change.edits, path: path, shared: shared) + " \(what(change))"
    }

    /// What a machine's change does, counted over the whole fleet: `covers
    /// the 3 cases short on it (2 of other machines)`, `lets every job
    /// start`, `every case stays covered`; then the machine's own cases no
    /// memory covers, if any.
    static func what(_ change: Advice.MachineChange) -> String {
        var text: String
        if change.shortCases > 0 {
            text = change.shortCases == 1 ? "covers the case short on it" : "covers the \(change.shortCases) cases short on it"
            if change.othersShortCases > 0 {
                text += change.othersShortCases == change.shortCases
                    ? (change.shortCases == 1 ? " (another machine's)" : " (all of other machines)")
                    : " (\(change.othersShortCases) of other machines)"
            }
        } else if change.edits.contains(where: { $0.to > $0.from }) {
            text = "lets every job start"
        } else {
            text = change.coveredCases < change.cases ? "every case memory can cover stays covered" : "every case stays covered"
        }
        let beyond = change.cases - change.coveredCases
        if beyond > 0 {
            text += "; no memory covers \(beyond) of its \(change.cases) cases"
        }
        return text
    }

    /// What a change writes: `OS sb0 memory 1024 MiB → 512 MiB (spec.yaml:9:17),
    /// memory 40960 MiB → 37888 MiB (spec.yaml:4:13)`, every value of the
    /// change in one unit and exact, with one decimal at most (an operator
    /// copies them). The path is made safe for a terminal (it is the one text
    /// here that no spec rule keeps plain).
    ///
    /// A value written where an anchor defines it for other entries too
    /// (`shared`, see ``Spec/sharedSizeLocations()``) is not to be edited
    /// there: the sentence says to set it on this entry alone, as `standby
    /// fix` does with an override beside the merge.
    static func edits(_ edits: [Advice.Edit], path: String?, shared: Set<SourceLocation> = []) -> Words {
        var words: Words = ""
        let scale = Size.exactScale(for: edits.flatMap { [$0.from, $0.to] })
        for (i, edit) in edits.enumerated() {
            if i > 0 { words += ", " }
            if edit.os != nil, let os = edit.target.split(separator: "/").dropLast().last {
                words += "OS \(name: String(os)) memory "
            } else {
                words += "memory "
            }
            words += "\(scale.format(edit.from)) → \(scale.format(edit.to))"
            if let path, let at = edit.location {
                words += " (\(name: TerminalText.escaped(path)):\(at.line):\(at.column)"
                if shared.contains(at) {
                    words += ", an anchor other entries read: set it on this \(edit.os == nil ? "machine" : "OS") alone, as `standby fix` does"
                }
                words += ")"
            }
        }
        return words
    }

    /// Where a case is short on one machine: `vms50/memory/active is 128 MiB
    /// short`, or, when the memory is missing on another machine than the
    /// fault's, `m154/os/a2 needs 64 MiB on m155`.
    static func shortOn(_ c: FaultCase, _ s: Shortage, unit: Size.Unit) -> Words {
        let bytes = Size.format(s.shortfall, unit: unit)
        return s.machine == c.machine ? "\(name: c.id) is \(bytes) short" : "\(name: c.id) needs \(bytes) on \(name: s.machine)"
    }

    /// A case no memory covers: `rack1/machine: no memory brings back session,
    /// ledger-db (standby spare1 stops in the same fault)`.
    static func beyondMemory(_ c: FaultCase) -> Words {
        var reasons: [String] = []
        for u in c.unrecoverable {
            let reason: String
            switch u.reason {
            case .standbyDown(let standby): reason = "standby \(standby) stops in the same fault"
            case .stoppedByPolicy: reason = "its fault policy stops it"
            case .noStandby: reason = "its standby names no OS of the spec"
            }
            if !reasons.contains(reason) { reasons.append(reason) }
        }
        return "\(name: c.id): no memory brings back \(names: c.unrecoverable.map(\.job)) (\(names: reasons))"
    }

    /// A machine's spare memory and the change that gives it back:
    /// `3 GiB — OS spare2 memory 3 GiB → 2 GiB (…), memory 32 GiB → 29 GiB (…)`.
    static func spare(_ spare: SpareMemory, path: String?, shared: Set<SourceLocation> = [], unit: Size.Unit) -> Words {
        "\(Size.scale(for: [spare.bytes], unit: unit).format(spare.bytes)) — " + edits(spare.edits, path: path, shared: shared)
    }

    /// `jobs no memory can bring back: A, C`.
    static func unrecoverableJobs(_ jobs: [String]) -> Words {
        "jobs no memory can bring back: \(names: jobs)"
    }

    /// What a table says when it has no row.
    static let noStandby = "no standby OS"
    static let noActive = "no active OS"
    static let noCase = "no case simulated"

    /// The figures of a machine or of the fleet: label, value and what it
    /// means, every value in one scale.
    static func figures(
        footprint: Int, reserveMinimum: Int, pool: Int?, fluid: Int, duplicate: Int, static staticTotal: Int,
        savings: Int, percent: RoundedPercent, unit: Size.Unit
    ) -> [Figure] {
        let scale = Size.scale(
            for: [footprint, reserveMinimum, pool ?? 0, fluid, duplicate, staticTotal, savings], unit: unit)
        var rows = [
            Figure("footprint", scale.format(footprint), "active OSes with their jobs"),
            Figure("reserve minimum", scale.format(reserveMinimum), "pool that failover needs after start-up"),
        ]
        if let pool {
            rows.append(Figure("pool after start-up", scale.format(pool), "unallocated in the final table"))
        }
        let base = "monitor + footprint + "
        rows += [
            Figure("fluid total", scale.format(fluid), base + "standby minimums + max(reserve minimum, reserve)"),
            Figure("duplicate total", scale.format(duplicate), base + "standbys mirroring their actives"),
            Figure("static total", scale.format(staticTotal), base + "standbys sized for their copies"),
            Figure("savings", scale.format(savings), "\(percent) % of the duplicate total"),
        ]
        return rows
    }

    static func figures(_ m: MachinePlan, unit: Size.Unit) -> [Figure] {
        figures(
            footprint: m.footprint, reserveMinimum: m.reserveMinimum, pool: m.pool, fluid: m.fluidTotal,
            duplicate: m.duplicateTotal, static: m.staticTotal, savings: m.savings, percent: m.savingsPercent,
            unit: unit)
    }

    static func figures(_ t: FleetTotals, unit: Size.Unit) -> [Figure] {
        figures(
            footprint: t.footprint, reserveMinimum: t.reserveMinimum, pool: nil, fluid: t.fluidTotal,
            duplicate: t.duplicateTotal, static: t.staticTotal, savings: t.savings, percent: t.savingsPercent,
            unit: unit)
    }

    /// Why a case is not covered (the headline, and per shortage what each
    /// standby and the pool lacked) and what would cover it.
    /// What a short case lacks, machine by machine: on the machine where the
    /// fault happened `128 MiB short` (`… on vms50` with `namingOwn`), on
    /// another `needs 4 GiB on rack2`, since a copy's shortfall lands where
    /// its standby runs.
    static func shortfalls(_ c: FaultCase, unit: Size.Unit, namingOwn: Bool, scale: Size.Scale? = nil) -> [String] {
        c.shortages.filter { $0.shortfall > 0 }.map { s in
            let bytes = scale?.format(s.shortfall) ?? Size.format(s.shortfall, unit: unit)
            guard s.machine == c.machine else { return "needs \(bytes) on \(s.machine)" }
            return namingOwn ? "\(bytes) short on \(s.machine)" : "\(bytes) short"
        }
    }

    /// Why a case is not covered, on a line of its own (a diff, a CI finding):
    /// what each machine is short of, and the jobs no memory brings back.
    static func whyNotCovered(_ c: FaultCase) -> [String] {
        var reasons = shortfalls(c, unit: .auto, namingOwn: true)
        if !c.unrecoverable.isEmpty {
            reasons.append("no memory brings back \(c.unrecoverable.map(\.job).joined(separator: ", "))")
        }
        return reasons
    }

    static func explanation(_ c: FaultCase, pool poolPolicy: Bool, unit: Size.Unit) -> Explanation {
        // Every size the explanation compares, in one scale.
        var sizes = [c.shortfall]
        for s in c.shortages {
            sizes += [s.held, s.released, s.draw, s.shortfall, s.requiredPool ?? 0]
            for sb in s.standbys { sizes += [sb.need, sb.free, sb.handed, sb.drawn, sb.missing, sb.coveringAllocation] }
            sizes.append(s.standbys.reduce(0) { satAdd($0, $1.missing) })
        }
        let scale = Size.scale(for: sizes, unit: unit)
        let size = { (bytes: Int) in scale.format(bytes) }
        var parts: [String] = []
        parts += shortfalls(c, unit: unit, namingOwn: false, scale: scale)
        if !c.unrecoverable.isEmpty {
            let n = c.unrecoverable.count
            parts.append("\(n) \(n == 1 ? "job" : "jobs") no memory can bring back")
        }
        var details: [Words] = []
        var covers: [Words] = []
        for shortage in c.shortages {
            // Standbys are named on the shortage's machine; show them as the case's
            // own names are shown: plain on the case's machine, qualified elsewhere.
            func qualify(_ standby: String) -> String {
                shortage.machine == c.machine ? standby : "\(shortage.machine)/\(standby)"
            }
            for s in shortage.standbys {
                var line: Words = "\(name: qualify(s.standby)): its copies need \(size(s.need)); it had \(size(s.free)) free"
                line += " and was handed \(size(s.handed)); "
                line += poolPolicy
                    ? "the pool gave it \(size(s.drawn)) of the \(size(s.missing)) it lacked"
                    : "it lacked \(size(s.missing)) and may not draw from the pool (pool: false)"
                if !s.shortJobs.isEmpty {
                    line += "; \(names: s.shortJobs) could not start"
                }
                details.append(line)
            }
            details.append(
                "pool of \(name: shortage.machine): held \(size(shortage.held)) (\(size(shortage.released)) of it "
                    + "released by the fault), gave \(size(shortage.draw)); \(size(shortage.shortfall)) short")
            if let cover = cover(shortage, pool: poolPolicy, size: size, standby: { qualify($0) }) {
                details.append(cover)
                covers.append(cover)
            }
        }
        for u in c.unrecoverable {
            switch u.reason {
            case .standbyDown(let standby):
                details.append("\(name: u.job): its standby \(name: standby) stops in the same fault")
            case .stoppedByPolicy:
                details.append("\(name: u.job): its fault policy stops it")
            case .noStandby:
                details.append("\(name: u.job): its standby names no OS of the spec")
            }
        }
        let headline: Words = parts.isEmpty ? .quoted(c.id) : "\(name: c.id): \(parts.joined(separator: "; "))"
        return Explanation(headline: headline, details: details, covers: covers)
    }

    /// What covers a shortage, exactly: with `pool: true` the pool it needs
    /// after start-up and the machine memory that gives it; with `pool: false`
    /// the standbys at their covering allocations and the machine memory that
    /// still starts every job with them (`+0` is said as "within its memory").
    /// A standby raise is not offered with `pool: true`: the same memory in
    /// the pool covers the case as well and serves every other case too.
    /// `standby` names a standby of the shortage's machine as the report does.
    static func cover(
        _ shortage: Shortage, pool: Bool, size: (Int) -> String, standby: (String) -> String
    ) -> Words? {
        let raise: Int = shortage.coveringMemory - shortage.memory
        let memory: String = raise > 0 ? "machine memory +" + size(raise) : "within the machine's memory"
        if pool, shortage.requiredPool != nil {
            // The pool after start-up grows by what the machine's memory grows.
            let covering: Int = shortage.held - shortage.released + raise
            let words: Words = "would be covered by a pool of \(size(covering)) on \(name: shortage.machine) after start-up"
            return words + Words(stringLiteral: " (" + memory + ")")
        }
        guard !pool, !shortage.standbys.isEmpty else { return nil }
        let raised: [Words] = shortage.standbys.map { (s: StandbyShortage) -> Words in
            "\(name: standby(s.standby)) at \(size(s.coveringAllocation))"
        }
        let words: Words = "would be covered by " + raised.joined(separator: " and ")
        return words + Words(stringLiteral: " (" + memory + ")")
    }

    /// `A runs unprotected (128 MiB)`.
    static func unprotected(_ c: FaultCase, unit: Size.Unit) -> Words {
        let verb = c.unprotectedJobs.count == 1 ? "runs" : "run"
        return "\(names: c.unprotectedJobs) \(verb) unprotected (\(Size.format(c.unprotectedMemory, unit: unit)))"
    }

    /// A step of a case as a sentence; the machine is named only when the case
    /// touches more than one.
    static func step(_ event: CaseEvent, unit: Size.Unit, machinePrefix: Bool) -> Words {
        let size = { (bytes: Int) in Size.format(bytes, unit: unit) }
        let text: Words
        switch event {
        case .cutOff(_, let region, let bytes): text = "cut off \(size(bytes)) of \(name: region): it cannot be read"
        case .handOver(_, let region, let bytes, let standby):
            text = "hand \(name: region) (\(size(bytes))) to \(name: standby)"
        case .release(_, let region, let bytes): text = "return \(name: region) (\(size(bytes))) to the pool"
        case .mergeIntoOS(_, let region, let os): text = "stop \(name: region) and merge its region into \(name: os)"
        case .draw(_, let standby, let bytes): text = "give \(name: standby) \(size(bytes)) from the pool"
        case .startCopy(_, let standby, let copy, let bytes):
            text = "start \(name: copy) on \(name: standby) (\(size(bytes)))"
        case .cannotStart(_, let standby, let copy, let bytes):
            text = "\(name: copy) cannot start on \(name: standby): \(size(bytes)) not free"
        case .loseMachine: text = "the machine fails, all its memory is gone"
        }
        return machinePrefix ? "\(name: event.machine): \(text)" : text
    }
}

/// One figure of a machine or of the fleet.
struct Figure {
    var label: String
    var value: String
    /// What the figure means.
    var note: String

    init(_ label: String, _ value: String, _ note: String) {
        self.label = label
        self.value = value
        self.note = note
    }
}

/// Why a case is not covered: its headline (`id: 128 MiB short`) and the
/// lines under it, among them what would cover it.
struct Explanation {
    var headline: Words
    var details: [Words]
    /// The details that say what would cover the case (`would be covered by …`),
    /// one per shortage that has a fix.
    var covers: [Words]
}
