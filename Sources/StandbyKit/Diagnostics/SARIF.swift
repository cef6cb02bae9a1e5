/// Findings as CI systems read them: SARIF 2.1.0 (code scanning) and GitHub
/// workflow commands (annotations on a pull request's lines).
///
/// Both carry the same line and column as the text form: 1-based, columns in
/// Unicode scalars (SARIF's `unicodeCodePoints`).
public struct Finding: Sendable, Hashable {
    /// How a CI system shows a finding (SARIF's `level`, the workflow command's name).
    public enum Level: String, Sendable {
        /// A problem that fails the check: a spec error, a case not covered.
        case error
        /// A problem worth a look that does not fail the check.
        case warning
        /// Information only.
        case note
    }

    /// A place the finding also concerns, with what it says there.
    public struct Related: Sendable, Hashable {
        /// What the finding says at that place.
        public var message: String
        /// The place, in the same file; `nil` for a remark with no place of its own.
        public var location: SourceLocation?
    }

    /// A stable code (`unknown-key`, `case-not-covered`).
    public var rule: String
    /// How the CI system shows it.
    public var level: Level
    /// One sentence saying what is wrong, cut to the text's width.
    public var message: String
    /// The file it is in, as the user named it; annotations are placed on this path.
    public var path: String
    /// Where in the file: 1-based line and column.
    public var location: SourceLocation
    /// Other places it concerns, each with a message (a diagnostic's notes).
    public var related: [Related]

    /// A finding made directly; ``init(_:path:)`` makes one of a diagnostic.
    public init(rule: String, level: Level, message: String, path: String, location: SourceLocation, related: [Related] = []) {
        self.rule = rule
        self.level = level
        self.message = message
        self.path = path
        self.location = location
        self.related = related
    }

    /// Every diagnostic of each file, file by file, each file's in source order.
    public static func all(_ files: [(path: String, diagnostics: Diagnostics)]) -> [Finding] {
        files.flatMap { file in file.diagnostics.sorted.map { Finding($0, path: file.path) } }
    }

    /// A diagnostic of the file at `path`, its notes as related places; the
    /// message and notes cut as the text cuts them (`TerminalText.capped(_:)`).
    public init(_ d: Diagnostic, path: String) {
        self.init(
            rule: d.code.rawValue, level: d.severity == .error ? .error : .warning,
            message: TerminalText.capped(d.message), path: path, location: d.location,
            related: d.notes.map { Related(message: TerminalText.capped($0.message), location: $0.location) })
    }
}

/// Writes findings for CI: a SARIF 2.1.0 log for code scanning, or GitHub
/// workflow commands that annotate a pull request's lines.
///
/// Findings come from a spec's diagnostics (``Finding/all(_:)``), from a plan's
/// uncovered cases (``PlanFindings``) or from a diff's regressions
/// (``DiffFindings``); both writers take them in the order given.
public enum FindingRenderer {
    /// The tool's version, as SARIF names its driver and `standby --version` prints it.
    public static let toolVersion = "0.1.0"

    /// One SARIF 2.1.0 log with one run: every finding a result, its rule
    /// listed once in the driver. Notes are appended to the message (as
    /// `note: …` lines) and, where located, given as related locations.
    public static func renderSARIF(_ findings: [Finding], to out: inout some TextOutputStream) {
        var json = JSONWriter()
        json.beginObject()
        json.field("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
        json.key("runs")
        json.beginArray()
        json.beginObject()
        json.field("columnKind", "unicodeCodePoints")
        json.key("results")
        json.beginArray()
        for f in findings {
            json.beginObject()
            json.field("level", f.level.rawValue)
            json.key("locations")
            json.beginArray()
            writeLocation(f.path, f.location, id: nil, message: nil, into: &json)
            json.endArray()
            json.key("message")
            json.beginObject()
            json.field("text", ([f.message] + f.related.map { "note: " + $0.message }).joined(separator: "\n"))
            json.endObject()
            let related = f.related.enumerated().filter { $0.element.location != nil }
            if !related.isEmpty {
                json.key("relatedLocations")
                json.beginArray()
                for (i, r) in related {
                    if let at = r.location { writeLocation(f.path, at, id: i, message: r.message, into: &json) }
                }
                json.endArray()
            }
            json.field("ruleId", f.rule)
            json.endObject()
            json.flush(to: &out)
        }
        json.endArray()
        json.key("tool")
        json.beginObject()
        json.key("driver")
        json.beginObject()
        json.field("name", "standby")
        json.key("rules")
        json.beginArray()
        var seen = Set<String>()
        for f in findings where seen.insert(f.rule).inserted {
            json.beginObject()
            json.field("id", f.rule)
            json.endObject()
        }
        json.endArray()
        json.field("version", toolVersion)
        json.endObject()
        json.endObject()
        json.endObject()
        json.endArray()
        json.field("version", "2.1.0")
        json.endObject()
        json.flush(to: &out)
    }

    private static func writeLocation(
        _ path: String, _ at: SourceLocation, id: Int?, message: String?, into json: inout JSONWriter
    ) {
        json.beginObject()
        if let id { json.field("id", id) }
        if let message {
            json.key("message")
            json.beginObject()
            json.field("text", message)
            json.endObject()
        }
        json.key("physicalLocation")
        json.beginObject()
        json.key("artifactLocation")
        json.beginObject()
        json.field("uri", uriReference(path))
        json.endObject()
        json.key("region")
        json.beginObject()
        json.field("startColumn", max(1, at.column))
        json.field("startLine", max(1, at.line))
        json.endObject()
        json.endObject()
        json.endObject()
    }

    /// A path as a relative URI reference: every byte other than unreserved
    /// characters and `/` percent-encoded (`<stdin>` is `%3Cstdin%3E`).
    static func uriReference(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// One GitHub workflow command per finding:
    /// `::error file=spec.yaml,line=4,col=5,title=unknown-key::message`, its
    /// notes on the lines after the message (`%0A`), every value escaped as
    /// the workflow-command syntax asks (`%`, CR, LF; in properties also `:`
    /// and `,`), so no text from the spec can end the command or start another.
    public static func renderGitHub(_ findings: [Finding], to out: inout some TextOutputStream) {
        for f in findings {
            let command = f.level == .note ? "notice" : f.level.rawValue
            let message = ([f.message] + f.related.map { r in
                "note: " + r.message + (r.location.map { " (line \($0.line), column \($0.column))" } ?? "")
            }).joined(separator: "\n")
            out.write(
                "::\(command) file=\(property(f.path)),line=\(f.location.line),col=\(f.location.column),title=\(property(f.rule))::\(data(message))\n"
            )
        }
    }

    static func data(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default:
                // Other control characters are escaped as for a terminal: a log shows them too.
                if TerminalText.isUnsafe(scalar) { out += TerminalText.escape(scalar) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    static func property(_ text: String) -> String {
        var out = ""
        for c in data(text) {
            switch c {
            case ":": out += "%3A"
            case ",": out += "%2C"
            default: out.append(c)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
