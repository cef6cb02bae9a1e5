// The edits `SpecEditor` makes, as bytes of the spec: what the edited text and
// `UnifiedDiff`'s hunks are both made from.

extension SpecEditor {
    /// Bytes `range` of the original replaced by `bytes` (an empty range: `bytes` inserted there).
    public struct Splice: Sendable, Hashable {
        /// The byte offsets of the original replaced.
        public var range: Range<Int>
        /// What is written in their place.
        public var bytes: [UInt8]
    }
}

extension SpecEditor.Splice {
    /// `source` with `splices` (in order, apart) applied.
    public static func apply(_ splices: [SpecEditor.Splice], to source: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(source.count + splices.reduce(0) { $0 + $1.bytes.count })
        var copied = 0
        for s in splices {
            out.append(contentsOf: source[copied..<s.range.lowerBound])
            out.append(contentsOf: s.bytes)
            copied = s.range.upperBound
        }
        out.append(contentsOf: source[copied...])
        return out
    }
}
