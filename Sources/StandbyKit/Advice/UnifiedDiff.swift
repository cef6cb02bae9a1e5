/// The edits of ``SpecEditor`` as a unified diff (`standby fix --format diff`),
/// which `patch -p1` and `git apply` take.
///
/// Why by hand: the edits already say which lines change, so hunks come
/// straight from them (three lines of context, hunks that touch merged); a
/// general diff of the two texts would only find them again.
public enum UnifiedDiff {
    /// The diff of `source` and its `changes`, with `a/path` and `b/path` headers;
    /// empty when there is no change.
    public static func render(
        path: String, source: [UInt8], changes: [SpecEditor.LineChange], context: Int = 3
    ) -> String {
        guard !changes.isEmpty else { return "" }
        // Lines as `patch` counts them, as the changes are.
        let lines = SpecEditor.Lines(source, libyaml: false)
        let count = lines.starts.count
        let endsWithBreak = lines.breaks.last.map { $0 > lines.ends[count - 1] } ?? true
        var out = "--- a/\(path)\n+++ b/\(path)\n"
        var delta = 0
        var g = 0
        while g < changes.count {
            // Changes whose contexts touch go into one hunk.
            var last = g
            while last + 1 < changes.count,
                changes[last + 1].line - (changes[last].line + changes[last].removed.count) <= 2 * context
            {
                last += 1
            }
            let start = max(0, changes[g].line - context)
            let end = min(count, changes[last].line + changes[last].removed.count + context)
            var growth = 0
            for c in changes[g...last] { growth += c.added.count - c.removed.count }
            let oldCount = end - start
            let newCount = oldCount + growth
            out += "@@ -\(range(start, oldCount)) +\(range(start + delta, newCount)) @@\n"
            var i = start
            var next = g
            while i < end {
                if next <= last, changes[next].line == i {
                    let c = changes[next]
                    for line in c.removed {
                        out += "-" + line + "\n"
                        if i == count - 1 && !endsWithBreak { out += "\\ No newline at end of file\n" }
                    }
                    for line in c.added { out += "+" + line + "\n" }
                    i += max(1, c.removed.count)
                    next += 1
                } else {
                    out += " " + lines.text(i) + "\n"
                    if i == count - 1 && !endsWithBreak { out += "\\ No newline at end of file\n" }
                    i += 1
                }
            }
            delta += growth
            g = last + 1
        }
        return out
    }

    /// `start,count` as a hunk header gives it: 1-based, or the line before an empty range.
    private static func range(_ start: Int, _ count: Int) -> String {
        count == 0 ? "\(start),0" : "\(start + 1),\(count)"
    }
}
