/// A position in a spec: 1-based line and 1-based column (columns count characters).
///
/// Every decoded job, OS and machine keeps several of these, so each is stored in
/// 8 bytes: two 32-bit numbers. A value outside `0...UInt32.max` (a line past
/// four billion, which no spec within the input limits has) saturates.
public struct SourceLocation: Hashable, Comparable, Sendable, Codable {
    private var storedLine: UInt32
    private var storedColumn: UInt32

    /// The line, from 1 (0 for a position not in any file).
    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = UInt32(clamping: newValue) }
    }

    /// The column, from 1, counted in characters (Unicode scalars), not bytes.
    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = UInt32(clamping: newValue) }
    }

    /// The position at `line` and `column`, each clamped to `0...UInt32.max`.
    public init(line: Int, column: Int) {
        storedLine = UInt32(clamping: line)
        storedColumn = UInt32(clamping: column)
    }

    /// Source order: by line, then by column.
    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.storedLine, a.storedColumn) < (b.storedLine, b.storedColumn)
    }

    /// The start of the file, for problems that belong to no particular node.
    public static let start = SourceLocation(line: 1, column: 1)

    private enum CodingKeys: String, CodingKey {
        case line, column
    }

    /// Reads `{"line": …, "column": …}`, as the diagnostics JSON writes a position.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(line: try c.decode(Int.self, forKey: .line), column: try c.decode(Int.self, forKey: .column))
    }

    /// Writes `{"line": …, "column": …}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(line, forKey: .line)
        try c.encode(column, forKey: .column)
    }
}

/// A stable identifier of one kind of problem, such as `unknown-key`.
///
/// Codes never change meaning once published: tests, JSON output and CI tools
/// match on them. Each stage declares its own codes next to the code that emits
/// them (`extension DiagnosticCode { static let … }`); `docs/diagnostics.md`
/// lists them all.
public struct DiagnosticCode: RawRepresentable, Hashable, Sendable, Codable, Comparable,
    ExpressibleByStringLiteral, CustomStringConvertible
{
    /// The code as written in every output: lower case words joined by `-`.
    public var rawValue: String
    /// The code `rawValue`; any text is accepted, only the library's own
    /// codes (the static properties) are ever reported.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The code written as a literal, as each stage declares its codes.
    public init(stringLiteral value: String) { self.rawValue = value }
    /// The code itself, `unknown-key`: what text, JSON and SARIF show.
    public var description: String { rawValue }
    /// Alphabetical order of the codes, the last tie-break of ``Diagnostics/sorted``.
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// Reads the code from a JSON string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    /// Writes the code as a JSON string.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// One problem found in a spec: what, where, how bad, and what might fix it.
public struct Diagnostic: Hashable, Sendable, Codable {
    /// How bad a problem is: an error stops the spec from loading, a warning
    /// does not.
    public enum Severity: String, Hashable, Sendable, Codable, Comparable {
        /// The spec cannot be planned as written: nothing is compiled or planned,
        /// and `standby` exits with status 1.
        case error
        /// The spec loads and plans, but something in it is probably not what
        /// was meant (a size rounded, a standby nobody uses).
        case warning

        /// Errors come before warnings.
        public static func < (a: Self, b: Self) -> Bool { a == .error && b == .warning }
    }

    /// An extra line under a diagnostic: a suggestion, or a related position.
    public struct Note: Hashable, Sendable, Codable {
        /// The note's text: one sentence, lower-case start, no final period.
        public var message: String
        /// The place the note points at (another definition, the value to
        /// change); `nil` for a note about the diagnostic's own place.
        public var location: SourceLocation?

        /// A note saying `message`, pointing at `location` when given.
        public init(_ message: String, at location: SourceLocation? = nil) {
            self.message = message
            self.location = location
        }
    }

    /// Whether this is an error or a warning.
    public var severity: Severity
    /// The kind of problem, stable across releases (`unknown-key`).
    public var code: DiagnosticCode
    /// One sentence, lower-case start, no final period.
    public var message: String
    /// The node the problem is about: the key, the value or the start of the
    /// mapping; ``SourceLocation/start`` for a problem of the whole file.
    public var location: SourceLocation
    /// Suggestions and related places, shown under the message in order.
    public var notes: [Note]

    /// A diagnostic of `severity` and `code` at `location`.
    public init(
        _ severity: Severity, _ code: DiagnosticCode, _ message: String,
        at location: SourceLocation, notes: [Note] = []
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
        self.notes = notes
    }

    /// An error of `code` at `location`.
    public static func error(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation,
        notes: [Note] = []
    ) -> Diagnostic {
        Diagnostic(.error, code, message, at: location, notes: notes)
    }

    /// A warning of `code` at `location`.
    public static func warning(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation,
        notes: [Note] = []
    ) -> Diagnostic {
        Diagnostic(.warning, code, message, at: location, notes: notes)
    }
}

/// The problems one stage found, in the order they were reported.
///
/// Stages add to it and go on, so one run reports every problem; ``sorted``
/// gives them in source order for display.
public struct Diagnostics: Sendable, Hashable {
    /// Every diagnostic, in the order reported (``sorted`` for display).
    public private(set) var all: [Diagnostic] = []

    /// The diagnostics `all`, in that order.
    public init(_ all: [Diagnostic] = []) { self.all = all }

    /// Adds `diagnostic` at the end.
    public mutating func append(_ diagnostic: Diagnostic) { all.append(diagnostic) }
    /// Adds every diagnostic of `other`, in its order, at the end.
    public mutating func append(contentsOf other: Diagnostics) { all.append(contentsOf: other.all) }

    /// Reports an error of `code` at `location`.
    public mutating func error(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation,
        notes: [Diagnostic.Note] = []
    ) {
        all.append(.error(code, message, at: location, notes: notes))
    }

    /// Reports a warning of `code` at `location`.
    public mutating func warning(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation,
        notes: [Diagnostic.Note] = []
    ) {
        all.append(.warning(code, message, at: location, notes: notes))
    }

    /// Whether any is an error: then the spec does not load, and no later stage runs on it.
    public var hasErrors: Bool { all.contains { $0.severity == .error } }
    /// How many are errors.
    public var errorCount: Int { all.count(where: { $0.severity == .error }) }
    /// How many are warnings.
    public var warningCount: Int { all.count(where: { $0.severity == .warning }) }
    /// Whether nothing was found: neither an error nor a warning.
    public var isEmpty: Bool { all.isEmpty }

    /// By position, then errors before warnings, then by code; stable otherwise.
    public var sorted: [Diagnostic] {
        all.enumerated().sorted { a, b in
            let x = a.element
            let y = b.element
            if x.location != y.location { return x.location < y.location }
            if x.severity != y.severity { return x.severity < y.severity }
            if x.code != y.code { return x.code < y.code }
            return a.offset < b.offset
        }.map(\.element)
    }
}

/// Thrown by a stage that cannot go on: carries every problem found so far.
public struct DiagnosticsError: Error, Sendable {
    /// Every problem found, errors and warnings, in the order reported.
    public var diagnostics: Diagnostics
    /// The error carrying `diagnostics`.
    public init(_ diagnostics: Diagnostics) { self.diagnostics = diagnostics }
}
