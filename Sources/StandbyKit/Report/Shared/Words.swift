// Words: a sentence of a report with the text each format must escape kept
// apart from the report's own words.

/// A sentence, phrase or table cell of a human report.
///
/// Its runs are either the report's own words, which every format writes as
/// they are, or *quoted* text — names from the spec, and anything else a
/// format must escape (Markdown backslashes, HTML character references). The
/// sentences are written once (``Sentences``) and each format renders them
/// with its own escaping.
///
/// Build with string interpolation: `"\(name: os) stops"` quotes `os`,
/// `"\(names: jobs)"` quotes each of `jobs`, joined with `, `.
struct Words: Equatable, ExpressibleByStringInterpolation {
    /// One stretch of text.
    enum Run: Equatable {
        /// The report's own words.
        case own(String)
        /// Text a format escapes: a name, or a value shown as it was given.
        case quoted(String)
    }

    var runs: [Run]

    init(_ runs: [Run]) { self.runs = runs }

    init(stringLiteral value: String) { runs = value.isEmpty ? [] : [.own(value)] }

    init(stringInterpolation: StringInterpolation) { runs = stringInterpolation.runs }

    /// A name (or other quoted text) alone.
    static func quoted(_ text: String) -> Words { Words([.quoted(text)]) }

    /// The text with `quote` applied to each quoted run.
    func rendered(_ quote: (String) -> String) -> String {
        var out = ""
        for run in runs {
            switch run {
            case .own(let text): out += text
            case .quoted(let text): out += quote(text)
            }
        }
        return out
    }

    /// The text with nothing escaped: what the text format writes.
    var plain: String { rendered { $0 } }

    static func + (a: Words, b: Words) -> Words { Words(a.runs + b.runs) }

    static func += (a: inout Words, b: Words) { a.runs += b.runs }

    /// Interpolation that keeps quoted runs apart.
    struct StringInterpolation: StringInterpolationProtocol {
        var runs: [Run] = []

        init(literalCapacity: Int, interpolationCount: Int) {}

        mutating func appendLiteral(_ literal: String) {
            if !literal.isEmpty { runs.append(.own(literal)) }
        }

        /// The report's own words (a size, a number, a keyword).
        mutating func appendInterpolation(_ text: String) { appendLiteral(text) }

        mutating func appendInterpolation(_ value: some BinaryInteger) { appendLiteral("\(value)") }

        mutating func appendInterpolation(_ words: Words) { runs += words.runs }

        /// A name from the spec.
        mutating func appendInterpolation(name: String) { runs.append(.quoted(name)) }

        /// Names from the spec, joined with `, `.
        mutating func appendInterpolation(names: [String]) {
            for (i, name) in names.enumerated() {
                if i > 0 { runs.append(.own(", ")) }
                runs.append(.quoted(name))
            }
        }
    }
}

extension Array where Element == Words {
    /// The phrases joined by `separator`, one of the report's own words.
    func joined(separator: String) -> Words {
        var out = Words([])
        for (i, words) in enumerated() {
            if i > 0 { out.runs.append(.own(separator)) }
            out += words
        }
        return out
    }
}

extension String {
    /// The first character in upper case: a phrase that opens a sentence.
    var capitalizedFirst: String {
        guard let first else { return self }
        return first.uppercased() + dropFirst()
    }
}
