// The HTML report's table of every case of a machine, with the job cases of
// a large machine grouped by outcome.

extension HTMLPage {
    // MARK: - Case table

    /// The case table: every case one per row. For a large machine (more than
    /// ``HTMLBars/groupingThreshold`` regions), job cases, two per job, are
    /// instead one row per outcome: the light and the severe fault's outcome
    /// and the jobs that have it; and a list of jobs that is exactly all the
    /// hot-standby or all the ordinary jobs of the failed OS, or the jobs a
    /// stopped standby protects, is said in words with its count. A fleet's
    /// hundreds of thousands of job cases so stay readable and small. Zero
    /// sizes and empty lists are left blank, and optional end tags are left
    /// out, for the same reason.
    func caseTable(_ m: MachinePlan, _ cm: CompiledMachine?, open: Bool, into h: inout String) {
        let large = (cm?.final.count ?? 0) > HTMLBars.groupingThreshold
        // Per OS, its hot-standby and its ordinary jobs in document order, as
        // the case lists name them.
        var kinds: [String: (hot: [String], ordinary: [String])] = [:]
        if large, let cm {
            for os in cm.machine.oses where kinds[os.name] == nil {
                kinds[os.name] = (
                    os.jobs.filter(\.hotStandby).map(\.name), os.jobs.filter { !$0.hotStandby }.map(\.name)
                )
            }
        }
        func list(_ names: [String], of c: FaultCase) -> String {
            if large, c.kind == .os || c.kind == .memory, let k = kinds[c.target], names.count > 1 {
                if names == k.hot { return "all \(names.count) hot-standby jobs of \(esc(c.target))" }
                if names == k.ordinary { return "all \(names.count) ordinary jobs of \(esc(c.target))" }
            }
            return names.map(esc).joined(separator: ", ")
        }
        h += "<details class=\"cases\"\(open ? " open" : "")>"
        h += "<summary>All \(m.cases.count) cases of \(esc(m.name))</summary>\n"
        let rows = large ? m.cases.filter { $0.kind != .job } : m.cases
        if !rows.isEmpty {
            h += "<div class=\"tw\"><table class=\"ct\">\n<caption>Blank: none.</caption>\n"
            h += "<thead><tr><th scope=\"col\">Case</th><th scope=\"col\">Covered</th><th scope=\"col\">Action</th>"
            h += "<th scope=\"col\">Short</th><th scope=\"col\">Pool draw</th><th scope=\"col\">Taken over</th>"
            h += "<th scope=\"col\">Lost</th><th scope=\"col\">Unprotected</th></tr></thead>\n<tbody>\n"
            // One unit for the pool draw column.
            let draws = Size.scale(for: rows.lazy.map(\.poolDraw), unit: .auto)
            for c in rows {
                h += c.covered ? "<tr><td>" : "<tr class=\"n\"><td>"
                h += esc(c.id)
                h += c.covered ? "<td>yes<td>" : "<td>no<td>"
                h += c.action?.rawValue ?? ""
                h += "<td>\(esc(shortfalls(c)))<td>\(c.poolDraw == 0 ? "" : draws.format(c.poolDraw))<td>"
                h += list(c.takenOver, of: c)
                h += "<td>"
                h += list(c.lostJobs, of: c)
                h += "<td>"
                if !c.unprotectedJobs.isEmpty {
                    h += large
                        ? "\(c.unprotectedJobs.count) jobs that fail over to \(esc(c.target))"
                        : c.unprotectedJobs.map(esc).joined(separator: ", ")
                    h += " (\(Size.describe(c.unprotectedMemory)))"
                }
                h += "\n"
            }
            h += "</tbody>\n</table></div>\n"
        }
        if large { jobOutcomes(m, into: &h) }
        h += "</details>\n"
    }

    /// Job cases of a large machine, one row per pair of outcomes (light,
    /// severe) in order of first appearance, with the jobs that have it.
    private func jobOutcomes(_ m: MachinePlan, into h: inout String) {
        var order: [String] = []
        var groups: [String: (light: String, severe: String, covered: Bool, jobs: [String])] = [:]
        // Job cases come light then severe for each job, jobs in document order.
        var pending: (job: String, light: FaultCase?, severe: FaultCase?)?
        func flush() {
            guard let p = pending else { return }
            let light = p.light.map(jobOutcome) ?? ""
            let severe = p.severe.map(jobOutcome) ?? ""
            let covered = (p.light?.covered ?? true) && (p.severe?.covered ?? true)
            let key = light + "\u{0}" + severe
            if groups[key] == nil {
                order.append(key)
                groups[key] = (light, severe, covered, [])
            }
            groups[key]?.jobs.append(p.job)
        }
        for c in m.cases where c.kind == .job {
            if pending?.job != c.target {
                flush()
                pending = (c.target, nil, nil)
            }
            if c.severity == .severe { pending?.severe = c } else { pending?.light = c }
        }
        flush()
        guard !order.isEmpty else { return }
        h += "<div class=\"tw\"><table class=\"jt\">\n<caption>Job faults, grouped by outcome: the case ids are "
        h += "<code>\(esc(m.name))/job/JOB/light</code> and <code>\(esc(m.name))/job/JOB/severe</code>.</caption>\n"
        h += "<thead><tr><th scope=\"col\">Light</th><th scope=\"col\">Severe</th>"
        h += "<th scope=\"col\">Jobs</th></tr></thead>\n<tbody>\n"
        for key in order {
            guard let g = groups[key] else { continue }
            h += g.covered ? "<tr><td>" : "<tr class=\"n\"><td>"
            h += g.light + "<td>" + g.severe
            h += "<td>\(g.jobs.count): " + g.jobs.map(esc).joined(separator: ", ") + "\n"
        }
        h += "</tbody>\n</table></div>\n"
    }

    /// What a job case does, in a few words: `restart`, `failover, taken over`,
    /// `stop, lost`, `failover: not covered, needs 64 MiB on m155, lost`.
    private func jobOutcome(_ c: FaultCase) -> String {
        var text = esc(c.action?.rawValue ?? "")
        var parts: [String] = []
        if !c.covered {
            let short = shortfalls(c)
            parts.append(short.isEmpty ? "not covered" : "not covered, " + esc(short))
        }
        if !c.takenOver.isEmpty { parts.append("taken over") }
        if c.poolDraw > 0 { parts.append("\(Size.describe(c.poolDraw)) from the pool") }
        if !c.lostJobs.isEmpty { parts.append("lost") }
        if c.action == .failover && c.covered && c.takenOver.isEmpty && c.lostJobs.isEmpty {
            // An ordinary job has nowhere to fail over to.
            parts.append("restarts in place")
        }
        if !parts.isEmpty { text += (c.covered ? ", " : ": ") + parts.joined(separator: ", ") }
        return text
    }

    /// Where a case's memory was short: `128 MiB short on vms50`, `needs 64 MiB
    /// on m155` (the machine named even when it is the case's own, since the
    /// shortfall of a copy lands where its standby runs).
    func shortfalls(_ c: FaultCase) -> String {
        Sentences.shortfalls(c, unit: .auto, namingOwn: true).joined(separator: "; ")
    }
}
