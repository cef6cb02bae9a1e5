/// How long a list in a report runs: at most ``lines`` entries, then one
/// line saying how many more were left out and where to see them. The plan's
/// summary, `fix`'s messages and `diff` cut their lists here, so that a change
/// on a thousand machines reads in a screen or two.
package enum ListCap {
    /// The most entries a list shows.
    package static let lines = 20

    /// The first ``lines`` of `items`, and how many were left out.
    package static func cut<C: Collection>(_ items: C) -> (kept: C.SubSequence, leftOut: Int) {
        let kept = items.prefix(lines)
        return (kept, items.count - kept.count)
    }

    /// The line that follows a cut list: `… and 3 more: hint`, or with what
    /// they are, `… and 3 more machines changed: hint`.
    package static func leftOut(_ count: Int, _ hint: String, what: String? = nil) -> String {
        "… and \(count) more\(what.map { " " + $0 } ?? ""): \(hint)"
    }
}
