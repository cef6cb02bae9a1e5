/// A regression as CI findings (`standby diff --format sarif|github`), so
/// that a pull request shows it on the lines it changed: one result per case
/// newly uncovered, on the line of NEW's OS, job or machine the case concerns,
/// and one result on each line of NEW whose change bears on a case newly
/// uncovered (a value of the case's machine, of a machine it is short on, or
/// a policy), naming those cases. Both say the fix of NEW (the least memory,
/// ``LeastMemory``, as `standby fix` writes it) where memory covers them.
public enum DiffFindings {
    /// The rule of a case newly uncovered.
    public static let caseRule = "case-newly-uncovered"
    /// The rule of a changed line that bears on a case newly uncovered.
    public static let changeRule = "change-uncovers-case"

    /// The findings of `diff`, whose NEW is `newSpec`, read from `path`.
    /// Linear in the cases newly uncovered and the values changed; a changed
    /// line's message names at most 20 cases, then how many more.
    public static func findings(_ diff: PlanDiff, newSpec: Spec, path: String) -> [Finding] {
        var specs: [String: Machine] = [:]
        for machine in newSpec.machines where specs[machine.name] == nil { specs[machine.name] = machine }
        var entries: [String: PlanDiff.Machine] = [:]
        for m in diff.machines where m.change != .removed && entries[m.name] == nil { entries[m.name] = m }

        var findings: [Finding] = []
        // Per changed place in NEW, in the order first met: the change, the
        // first cases it bears on and how many, and the fixes that cover them.
        var places: [SourceLocation: Place] = [:]
        var order: [SourceLocation] = []
        for m in diff.machines where !m.newlyUncovered.isEmpty {
            guard let machine = specs[m.name] else { continue }
            let targets = PlanFindings.places(in: machine)
            // What bears on the machine's cases: its values, those of the
            // machines they are short on, the policies; each place once.
            var short: [String] = []
            for c in m.newlyUncovered {
                for s in c.shortages where s.shortfall > 0 && !short.contains(s.machine) { short.append(s.machine) }
            }
            var causes: [PlanDiff.ValueChange] = []
            var seen = Set<SourceLocation>()
            for change in m.values + short.filter({ $0 != m.name }).flatMap({ entries[$0]?.values ?? [] }) + diff.policies {
                if let at = change.location, seen.insert(at).inserted { causes.append(change) }
            }
            let related = causes.prefix(ListCap.lines).map {
                Finding.Related(message: "changed: \(describe($0))", location: $0.location)
            }
            let fixes = fixSentences(short, diff: diff, entries: entries)
            for change in causes {
                guard let at = change.location else { continue }
                if places[at] == nil {
                    places[at] = Place(change: change)
                    order.append(at)
                }
                places[at]?.add(m.newlyUncovered.lazy.map(\.id), count: m.newlyUncovered.count, fixes: fixes)
            }
            for c in m.newlyUncovered {
                var message = "\(c.id) is newly uncovered: \(DiffRenderer.why(c))"
                let own = c.shortages.filter { $0.shortfall > 0 }.map(\.machine)
                for fix in fixSentences(own, diff: diff, entries: entries) { message += "; fix: " + fix }
                findings.append(
                    Finding(
                        rule: caseRule, level: .error, message: TerminalText.capped(message), path: path,
                        location: c.kind == .machine ? machine.location : targets[c.target] ?? machine.location,
                        related: related))
            }
        }
        for at in order {
            guard let place = places[at] else { continue }
            let left = place.count - place.cases.count
            var message = "\(describe(place.change)) leaves "
                + (place.count == 1 ? "a case" : "\(place.count) cases") + " newly uncovered: "
                + place.cases.joined(separator: ", ") + (left > 0 ? " and \(left) more" : "")
            for fix in place.fixes { message += "; fix: " + fix }
            if place.moreFixes > 0 {
                message += "; and \(place.moreFixes) more machines' fixes (`standby fix` writes them all)"
            }
            findings.append(
                Finding(rule: changeRule, level: .error, message: TerminalText.capped(message), path: path, location: at))
        }
        return findings
    }

    /// A changed place of NEW and what it bears on, each list cut to ``ListCap/lines``.
    private struct Place {
        var change: PlanDiff.ValueChange
        var cases: [String] = []
        var count = 0
        var fixes: [String] = []
        /// The fixes past the first ``ListCap/lines``.
        var others = Set<String>()
        var moreFixes: Int { others.count }

        mutating func add(_ ids: some Sequence<String>, count: Int, fixes: [String]) {
            self.count += count
            cases += ids.prefix(max(0, ListCap.lines - cases.count))
            for fix in fixes where !self.fixes.contains(fix) {
                if self.fixes.count < ListCap.lines { self.fixes.append(fix) } else { others.insert(fix) }
            }
        }
    }

    /// `machines/vms50/oses/active/jobs/A/standby_memory 128Mi → 160Mi`.
    static func describe(_ change: PlanDiff.ValueChange) -> String {
        "\(change.path) \(change.old ?? "absent") → \(change.new ?? "absent")"
    }

    /// The fix of each machine named, as one sentence each.
    private static func fixSentences(
        _ machines: [String], diff: PlanDiff, entries: [String: PlanDiff.Machine]
    ) -> [String] {
        guard let fix = diff.fix else { return [] }
        var sentences: [String] = []
        for name in machines {
            guard let change = entries[name]?.fix else { continue }
            let sentence = Sentences.fix(change, path: fix.path, shared: fix.shared).plain
            if !sentences.contains(sentence) { sentences.append(sentence) }
        }
        return sentences
    }
}
