/// The rules for names of machines, OSes and jobs, references to OSes, and
/// "did you mean" suggestions.
public enum Names {
    /// The longest name: a DNS label's length, so names fit hostnames and labels.
    public static let maxLength = 63

    /// The rule, for notes under an error.
    public static let rule =
        "a name is 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit"

    /// Why `name` is not a valid name, as a phrase ("starts with '-'"), or `nil` when it is.
    public static func problem(with name: String) -> String? {
        var name = name
        let bad = name.withUTF8 { bytes -> Int? in
            for (offset, b) in bytes.enumerated()
            where !(isAlphanumeric(b) || (offset > 0 && (b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")))) {
                return offset
            }
            return nil
        }
        if name.isEmpty { return "is empty" }
        if let bad {
            let scalar = String(decoding: name.utf8.dropFirst(bad), as: UTF8.self).unicodeScalars.first
            return bad == 0
                ? "starts with \(quoted(scalar))" : "holds \(quoted(scalar)), which a name may not"
        }
        if name.utf8.count > maxLength { return "is \(name.utf8.count) characters long, more than \(maxLength)" }
        return nil
    }

    /// `true` when `name` follows the rule.
    public static func isValid(_ name: String) -> Bool { problem(with: name) == nil }

    /// `true` when the UTF-8 bytes `name` follow the rule: ``isValid(_:)`` on
    /// bytes, with no `String` made.
    static func isValidName(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !name.isEmpty, name.count <= maxLength, isAlphanumeric(name[0]) else { return false }
        var i = 1
        while i < name.count {
            let b = name[i]
            guard isAlphanumeric(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
            else { return false }
            i += 1
        }
        return true
    }

    /// ``reference(_:)`` on UTF-8 bytes, making the `String`s only of a valid reference.
    static func reference(bytes text: UnsafeBufferPointer<UInt8>) -> (machine: String?, os: String)? {
        guard let slash = text.firstIndex(of: UInt8(ascii: "/")) else {
            return isValidName(text) ? (nil, string(text)) : nil
        }
        let machine = UnsafeBufferPointer(rebasing: text[..<slash])
        let os = UnsafeBufferPointer(rebasing: text[(slash + 1)...])
        guard isValidName(machine), isValidName(os) else { return nil }
        return (string(machine), string(os))
    }

    /// The `String` of UTF-8 bytes (ill-formed ones repaired, as
    /// `String(decoding:as:)` does), by the initializer that costs least for
    /// the short texts names are.
    static func string(_ utf8: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: utf8.count) { buffer in
            _ = buffer.initialize(from: utf8)
            return utf8.count
        }
    }

    /// Splits `os` or `machine/os`; `nil` when the text is neither, with both parts valid names.
    public static func reference(_ text: String) -> (machine: String?, os: String)? {
        guard let slash = text.utf8.firstIndex(of: UInt8(ascii: "/")) else {
            return isValid(text) ? (nil, text) : nil
        }
        let machine = String(text[..<slash])
        let os = String(text[text.index(after: slash)...])
        return isValid(machine) && isValid(os) ? (machine, os) : nil
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }

    private static func quoted(_ scalar: Unicode.Scalar?) -> String {
        guard let scalar else { return "nothing" }
        switch scalar {
        case " ": return "a space"
        case "\t": return "a tab"
        default:
            return scalar.properties.isWhitespace || scalar.value < 0x20
                ? "U+\(String(scalar.value, radix: 16, uppercase: true))" : "'\(scalar)'"
        }
    }

    // MARK: - Suggestions

    /// The candidate `word` was most likely meant to be: equal ignoring case, else
    /// the nearest within two edits (and fewer edits than either word's length,
    /// so `os` does not suggest `jobs`). `nil` when nothing is close.
    public static func suggestion(for word: String, among candidates: some Sequence<String>) -> String? {
        let lower = word.lowercased()
        let w = Array(word.unicodeScalars)
        var best: (String, Int)?
        for candidate in candidates {
            if candidate == word { continue }
            if candidate.lowercased() == lower { return candidate }
            let c = Array(candidate.unicodeScalars)
            let limit = min(2, min(w.count, c.count) - 1)
            guard limit > 0 else { continue }
            let d = editDistance(w, c, limit: limit)
            if d <= limit && d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        return best?.0
    }

    /// Levenshtein distance between `a` and `b` in Unicode scalars, or `limit + 1`
    /// once it is known to be larger than `limit` (words are short; this is cheap).
    public static func editDistance(_ a: String, _ b: String, limit: Int = .max) -> Int {
        editDistance(Array(a.unicodeScalars), Array(b.unicodeScalars), limit: limit)
    }

    /// `'a', 'b' or 'c'`, for notes listing allowed values.
    public static func list(_ words: some Collection<String>, conjunction: String = "or") -> String {
        let quoted = words.map { "'\($0)'" }
        guard quoted.count > 1 else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " \(conjunction) " + quoted[quoted.count - 1]
    }
}

extension Names {
    /// ``Names/suggestion(for:among:)`` over a fixed list of names, answering
    /// each query without comparing the word with every name: a fleet's 10,000
    /// unknown references among 10,000 machine names would otherwise cost
    /// 10^8 edit distances.
    ///
    /// Two names within two edits of each other become the same text after at
    /// most two deletions from each (a substitution is one deletion on each
    /// side), so every name is indexed under each text it becomes after up to
    /// two deletions (hashed), and a query looks up the word's own such texts;
    /// each hit is confirmed by ``editDistance(_:_:limit:)``. A name equal to
    /// the word ignoring case comes first, as in the scan.
    ///
    /// Bounds: the index holds at most `maxEntries` texts (names past that,
    /// and names longer than `indexedLength`, are compared one by one, at
    /// most `maxScanned` per query); a query looks up at most 1 + n + n(n−1)/2
    /// texts for a word of n ≤ `indexedLength` + 2 scalars and confirms at
    /// most `maxConfirmed` hits, stopping at the first at one edit. So the
    /// work per query is bounded whatever the number of names; the answer is
    /// the scan's except where those caps cut (thousands of near-identical
    /// names).
    public struct SuggestionIndex: Sendable {
        static let indexedLength = 16
        static let maxEntries = 1 << 20
        static let maxScanned = 256
        static let maxConfirmed = 256
        static let scannedWhole = 16

        private let names: [String]
        private let scalars: [[Unicode.Scalar]]
        /// Lower-cased name → the names with it, in order.
        private var lowered: [String: [Int32]] = [:]
        /// Hashed deletion text → the latest entry; `next` chains the earlier ones.
        private var heads: [UInt64: Int32] = [:]
        private var entryName: [Int32] = []
        private var entryNext: [Int32] = []
        /// How many deletions made each entry's text (0, 1 or 2).
        private var entryDeletions: [UInt8] = []
        /// Names not in the index, in order.
        private var unindexed: [Int32] = []

        /// An index of `names` (kept in their order, which breaks ties
        /// between suggestions); a few names are only kept, and scanned.
        public init(_ names: some Sequence<String>) {
            self.names = Array(names)
            scalars = self.names.map { Array($0.unicodeScalars) }
            // A few names are scanned as they are: an index would cost more.
            if self.names.count <= Self.scannedWhole {
                unindexed = (0..<Int32(self.names.count)).map { $0 }
                return
            }
            for (i, name) in self.names.enumerated() {
                lowered[name.lowercased(), default: []].append(Int32(i))
                let s = scalars[i]
                let variants = 1 + s.count + s.count * (s.count - 1) / 2
                guard s.count <= Self.indexedLength, entryName.count + variants <= Self.maxEntries else {
                    unindexed.append(Int32(i))
                    continue
                }
                Self.forEachDeletion(of: s, upTo: 2) { hash, deletions in
                    entryName.append(Int32(i))
                    entryDeletions.append(deletions)
                    entryNext.append(heads[hash] ?? -1)
                    heads[hash] = Int32(entryName.count - 1)
                }
            }
        }

        /// The name `word` was most likely meant to be, as ``Names/suggestion(for:among:)`` finds it.
        public func suggestion(for word: String) -> String? { lookup(word).name }

        /// The suggestion and the work it took: index entries visited and
        /// names compared (tests bound it).
        func lookup(_ word: String) -> (name: String?, work: Int) {
            if names.count <= Self.scannedWhole { return (Names.suggestion(for: word, among: names), names.count) }
            if let same = lowered[word.lowercased()], let i = same.first(where: { names[Int($0)] != word }) {
                return (names[Int(i)], 1)
            }
            var work = 0
            let w = Array(word.unicodeScalars)
            // Names one edit away are one deletion from a common text on each
            // side: they come first, all of them, and nothing beats them. Only
            // without one are the texts of two deletions looked up.
            func hits(upTo depth: UInt8) -> [Int32] {
                var hits: Set<Int32> = []
                guard w.count <= Self.indexedLength + 2 else { return [] }
                Self.forEachDeletion(of: w, upTo: depth) { hash, _ in
                    var e = heads[hash] ?? -1
                    while e >= 0 {
                        work += 1
                        if entryDeletions[Int(e)] <= depth { hits.insert(entryName[Int(e)]) }
                        e = entryNext[Int(e)]
                    }
                }
                return hits.sorted()
            }
            var best: (index: Int32, distance: Int)?
            func consider(_ i: Int32) {
                let c = scalars[Int(i)]
                work += 1
                let limit = min(2, min(w.count, c.count) - 1)
                guard limit > 0, abs(w.count - c.count) <= limit, names[Int(i)] != word else { return }
                let d = Names.editDistance(w, c, limit: limit)
                if d <= limit, d < best?.distance ?? .max || (d == best?.distance && i < best!.index) {
                    best = (i, d)
                }
            }
            for i in hits(upTo: 1).prefix(Self.maxConfirmed) {
                consider(i)
                if best?.distance == 1 { break }
            }
            if best?.distance != 1 {
                for i in hits(upTo: 2).prefix(Self.maxConfirmed) {
                    consider(i)
                    if best?.distance == 1 { break }
                }
            }
            var scanned = 0
            for i in unindexed where abs(scalars[Int(i)].count - w.count) <= 2 {
                if best.map({ $0.distance == 1 && $0.index < i }) == true || scanned == Self.maxScanned { break }
                consider(i)
                scanned += 1
            }
            return (best.map { names[Int($0.index)] }, work)
        }

        /// Calls `body` with the hash of every text `s` becomes after at most
        /// `depth` (≤ 2) deletions, and their number (with repeats when
        /// deletions give the same text).
        private static func forEachDeletion(
            of s: [Unicode.Scalar], upTo depth: UInt8, _ body: (UInt64, UInt8) -> Void
        ) {
            func hash(skipping a: Int, _ b: Int) -> UInt64 {
                // FNV-1a over the scalars kept.
                var h: UInt64 = 0xcbf2_9ce4_8422_2325
                var k = 0
                while k < s.count {
                    if k != a && k != b { h = (h ^ UInt64(s[k].value)) &* 0x0000_0100_0000_01B3 }
                    k += 1
                }
                return h
            }
            body(hash(skipping: -1, -1), 0)
            guard depth > 0 else { return }
            for a in s.indices {
                body(hash(skipping: a, -1), 1)
                guard depth > 1 else { continue }
                for b in (a + 1)..<s.count { body(hash(skipping: a, b), 2) }
            }
        }
    }

    /// ``editDistance(_:_:limit:)`` over scalars already split out.
    static func editDistance(_ x: [Unicode.Scalar], _ y: [Unicode.Scalar], limit: Int) -> Int {
        if abs(x.count - y.count) > limit { return limit + 1 }
        if x.isEmpty || y.isEmpty { return max(x.count, y.count) }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            var rowMinimum = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
