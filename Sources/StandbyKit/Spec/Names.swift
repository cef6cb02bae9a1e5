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
        var best: (String, Int)?
        for candidate in candidates {
            if candidate == word { continue }
            if candidate.lowercased() == lower { return candidate }
            let limit = min(2, min(word.count, candidate.count) - 1)
            guard limit > 0 else { continue }
            let d = editDistance(word, candidate, limit: limit)
            if d <= limit && d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        return best?.0
    }

    /// Levenshtein distance between `a` and `b` in Unicode scalars, or `limit + 1`
    /// once it is known to be larger than `limit` (words are short; this is cheap).
    public static func editDistance(_ a: String, _ b: String, limit: Int = .max) -> Int {
        let x = Array(a.unicodeScalars)
        let y = Array(b.unicodeScalars)
        if abs(x.count - y.count) > limit { return limit == .max ? limit : limit + 1 }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...max(x.count, 1) where !x.isEmpty {
            current[0] = i
            var rowMinimum = i
            for j in 1...max(y.count, 1) where !y.isEmpty {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return x.isEmpty ? y.count : previous[y.count]
    }

    /// `'a', 'b' or 'c'`, for notes listing allowed values.
    public static func list(_ words: some Collection<String>, conjunction: String = "or") -> String {
        let quoted = words.map { "'\($0)'" }
        guard quoted.count > 1 else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " \(conjunction) " + quoted[quoted.count - 1]
    }
}
