/// The edits of ``SpecEditor`` as a unified diff (`standby fix --format diff`),
/// which `patch -p1` and `git apply` take and turn into exactly the bytes the
/// edited spec has.
///
/// Why by hand: the edits already say which bytes change, so hunks come
/// straight from them (three lines of context, hunks that touch merged); a
/// general diff of the two texts would only find them again.
///
/// A diff's lines are what `patch` and `git` split on: LF alone. So each line
/// here is the bytes up to and including an LF, written as it is: a CR LF
/// line keeps its CR, and a spec whose lines end in a lone CR is, to the
/// diff, one line. A last line without an LF is followed by
/// `\ No newline at end of file`, on the side (old, new or both) where it
/// lacks one. Lines added after an unchanged line show only as added.
public enum UnifiedDiff {
    /// The diff of `source` and its `splices` (``SpecEditor/Result/splices``),
    /// with `a/path` and `b/path` headers; empty when there is no change.
    /// A path with a control character, a quote or a backslash is quoted as
    /// git quotes it (`"a/x\ty"`).
    public static func render(
        path: String, source: [UInt8], splices: [SpecEditor.Splice], context: Int = 3
    ) -> [UInt8] {
        guard !splices.isEmpty else { return [] }
        let lines = LFLines(source)
        let changes = Change.all(splices, in: lines)
        guard !changes.isEmpty else { return [] }
        var out: [UInt8] = []
        out += Array("--- \(quoted("a/" + path))\n+++ \(quoted("b/" + path))\n".utf8)
        var delta = 0
        var g = 0
        while g < changes.count {
            // Changes whose contexts touch go into one hunk.
            var last = g
            while last + 1 < changes.count, changes[last + 1].start - changes[last].end <= 2 * context {
                last += 1
            }
            let start = max(0, changes[g].start - context)
            let end = min(lines.count, changes[last].end + context)
            var growth = 0
            for c in changes[g...last] { growth += c.added.count - (c.end - c.start) }
            let oldCount = end - start
            let newCount = oldCount + growth
            out += Array("@@ -\(range(start, oldCount)) +\(range(start + delta, newCount)) @@\n".utf8)
            var i = start
            var next = g
            while i < end || next <= last {
                if next <= last, changes[next].start == i {
                    let c = changes[next]
                    for old in c.start..<c.end { line(0x2D, lines.line(old), into: &out) }
                    for new in c.added { line(0x2B, new, into: &out) }
                    i = c.end
                    next += 1
                } else if i < end {
                    line(0x20, lines.line(i), into: &out)
                    i += 1
                } else {
                    break
                }
            }
            delta += growth
            g = last + 1
        }
        return out
    }

    /// One line of a hunk: its mark, its bytes with their own line break, and
    /// the marker for a last line without one.
    private static func line(_ mark: UInt8, _ bytes: ArraySlice<UInt8>, into out: inout [UInt8]) {
        out.append(mark)
        out += bytes
        if bytes.last != 0x0A { out += Array("\n\\ No newline at end of file\n".utf8) }
    }

    /// `start,count` as a hunk header gives it: 1-based, or the line before an empty range.
    private static func range(_ start: Int, _ count: Int) -> String {
        count == 0 ? "\(start),0" : "\(start + 1),\(count)"
    }

    /// A header's path as git writes it: as it is, or in double quotes with C
    /// escapes when it holds a control character, a double quote or a backslash.
    static func quoted(_ path: String) -> String {
        let bytes = Array(path.utf8)
        guard bytes.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0x22 || $0 == 0x5C }) else { return path }
        let named: [UInt8: UInt8] = [0x22: 0x22, 0x5C: 0x5C, 0x07: 0x61, 0x08: 0x62, 0x09: 0x74, 0x0A: 0x6E, 0x0B: 0x76, 0x0C: 0x66, 0x0D: 0x72]
        var out: [UInt8] = [0x22]
        for b in bytes {
            if let letter = named[b] {
                out += [0x5C, letter]
            } else if b < 0x20 || b == 0x7F {
                out += [0x5C, 0x30 + b / 64, 0x30 + b / 8 % 8, 0x30 + b % 8]
            } else {
                out.append(b)
            }
        }
        out.append(0x22)
        return String(decoding: out, as: UTF8.self)
    }

    /// The source split after each LF, as `patch` and `git` read it.
    struct LFLines {
        let bytes: [UInt8]
        /// Where each line starts; line `i` runs to the next start, the last to the end.
        var starts: [Int] = []

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            if !bytes.isEmpty { starts.append(0) }
            for (i, b) in bytes.enumerated() where b == 0x0A && i + 1 < bytes.count { starts.append(i + 1) }
        }

        var count: Int { starts.count }

        /// Where line `i` ends (after its LF, if it has one); the end of the text for `count`.
        func end(_ i: Int) -> Int { i + 1 < starts.count ? starts[i + 1] : bytes.count }

        func line(_ i: Int) -> ArraySlice<UInt8> { bytes[starts[i]..<end(i)] }

        /// The line holding byte `offset` (the last line for the end of a text
        /// that does not end in an LF; `count` for the end of one that does).
        func index(of offset: Int) -> Int {
            if offset >= bytes.count { return bytes.last == 0x0A || bytes.isEmpty ? count : count - 1 }
            var lo = 0
            var hi = starts.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
            }
            return lo
        }
    }

    /// Old lines `start..<end` replaced by `added` (whole lines, each with its
    /// own break; only a last one may lack it).
    struct Change {
        var start: Int
        var end: Int
        var added: [ArraySlice<UInt8>]

        /// The splices as line changes: each splice's lines, those that share
        /// a line joined. An insertion at a line's start touches no old line.
        static func all(_ splices: [SpecEditor.Splice], in lines: LFLines) -> [Change] {
            var spans: [(start: Int, end: Int, splices: [SpecEditor.Splice])] = []
            for s in splices {
                let first = lines.index(of: s.range.lowerBound)
                let end: Int
                if s.range.isEmpty {
                    // At a line's start, or at the end of a text that ends with an LF.
                    end = first == lines.count || lines.starts[first] == s.range.lowerBound ? first : first + 1
                } else {
                    end = lines.index(of: s.range.upperBound - 1) + 1
                }
                if let last = spans.last, first < last.end || (first == last.start && last.start == last.end) {
                    spans[spans.count - 1].end = max(last.end, end)
                    spans[spans.count - 1].splices.append(s)
                } else {
                    spans.append((first, end, [s]))
                }
            }
            return spans.compactMap { span in
                var new: [UInt8] = []
                var cursor = span.start < lines.count ? lines.starts[span.start] : lines.bytes.count
                for s in span.splices {
                    new += lines.bytes[cursor..<s.range.lowerBound]
                    new += s.bytes
                    cursor = s.range.upperBound
                }
                if span.end > span.start { new += lines.bytes[cursor..<lines.end(span.end - 1)] }
                let old = span.start < span.end ? Array(lines.bytes[lines.starts[span.start]..<lines.end(span.end - 1)]) : []
                guard new != old else { return nil }
                var added: [ArraySlice<UInt8>] = []
                var from = 0
                for (i, b) in new.enumerated() where b == 0x0A {
                    added.append(new[from...i])
                    from = i + 1
                }
                if from < new.count { added.append(new[from...]) }
                return Change(start: span.start, end: span.end, added: added)
            }
        }
    }
}
