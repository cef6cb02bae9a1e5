/// The page's placement section: for a small fleet, the standbys that need
/// the least memory (``Placement``, `standby place`), worked out on the
/// page's own spec.
///
/// Shown when the spec has at most ``maxActives`` active OSes: the search then
/// runs to its end within ``workBudget`` (no clock, so the page stays the
/// same bytes on any machine), and costs little next to the page's cases. A
/// larger fleet gets a note naming the command instead.
extension HTMLPage {
    /// The most active OSes a page places itself.
    static let maxActives = 24
    /// The search's budget, in seconds of `standby place --time-limit`.
    static let workBudget = 1.0

    func placement(_ h: inout String) {
        let spec = compiled.spec
        let actives = spec.machines.reduce(0) { $0 + $1.oses.filter { $0.role == .active }.count }
        let standbys = spec.machines.reduce(0) { $0 + $1.oses.filter { $0.role == .standby }.count }
        // One standby for one active leaves nothing to choose.
        guard actives > 0, standbys > 1 || spec.machines.count > 1 else { return }
        h += "<h2>Standby placement</h2>\n"
        guard actives <= Self.maxActives else {
            h += "<p class=\"note\">Which standby each active OS should use, for the least memory: "
            h += "<code>standby place SPEC</code> works it out (\(actives) active OSes are more than this page places itself).</p>\n"
            return
        }
        guard case .success(let r) = Placement.place(spec, timeLimit: Self.workBudget) else {
            h += "<p class=\"note\"><code>standby place SPEC</code> says which standby each active OS should use.</p>\n"
            return
        }
        h += "<ul class=\"fix\">\n"
        for line in PlacementRenderer.summary(r, unit: .auto) { h += "<li>\(esc(line))</li>\n" }
        h += "</ul>\n"
        if !r.changes.isEmpty {
            let shown = r.changes.prefix(ListCap.lines)
            h += "<div class=\"tw\"><table class=\"pl\">\n<caption>Each active OS whose standby changes, "
            h += "with the line of its <code>standby:</code> in the spec.</caption>\n"
            h += "<thead><tr><th scope=\"col\">Standby of</th><th scope=\"col\">From</th>"
            h += "<th scope=\"col\">To</th><th scope=\"col\">Line</th></tr></thead>\n<tbody>\n"
            for c in shown {
                h += "<tr><td>\(esc(c.target))</td><td>\(esc(c.from))</td><td>\(esc(c.to))</td>"
                h += "<td>\(c.location.line)</td></tr>\n"
            }
            h += "</tbody>\n</table></div>\n"
            if r.changes.count > shown.count {
                h += "<p class=\"note\">\(esc(ListCap.leftOut(r.changes.count - shown.count, "`standby place SPEC` lists every one")))</p>\n"
            }
            h += "<p class=\"note\"><code>standby place SPEC --in-place</code> writes the new standbys into the spec, "
            h += "with the least memory that leaves no case short.</p>\n"
        }
    }
}
