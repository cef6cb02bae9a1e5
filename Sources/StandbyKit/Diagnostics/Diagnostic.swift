/// A position in a spec: 1-based line and 1-based column (columns count characters).
///
/// Every decoded job, OS and machine keeps several of these, so each is stored in
/// 8 bytes: two 32-bit numbers. A value outside `0...UInt32.max` (a line past
/// four billion, which no spec within the input limits has) saturates.
public struct SourceLocation: Hashable, Comparable, Sendable, Codable {
    private var storedLine: UInt32
    private var storedColumn: UInt32

    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = UInt32(clamping: newValue) }
    }

    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = UInt32(clamping: newValue) }
    }

    public init(line: Int, column: Int) {
        storedLine = UInt32(clamping: line)
        storedColumn = UInt32(clamping: column)
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.storedLine, a.storedColumn) < (b.storedLine, b.storedColumn)
    }

    /// The start of the file, for problems that belong to no particular node.
    public static let start = SourceLocation(line: 1, column: 1)

    private enum CodingKeys: String, CodingKey {
        case line, column
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(line: try c.decode(Int.self, forKey: .line), column: try c.decode(Int.self, forKey: .column))
    }

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
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// One problem found in a spec: what, where, how bad, and what might fix it.
public struct Diagnostic: Hashable, Sendable, Codable {
    public enum Severity: String, Hashable, Sendable, Codable, Comparable {
        case error, warning

        public static func < (a: Self, b: Self) -> Bool { a == .error && b == .warning }
    }

    /// An extra line under a diagnostic: a suggestion, or a related position.
    public struct Note: Hashable, Sendable, Codable {
        public var message: String
        public var location: SourceLocation?

        public init(_ message: String, at location: SourceLocation? = nil) {
            self.message = message
            self.location = location
        }
    }

    public var severity: Severity
    public var code: DiagnosticCode
    /// One sentence, lower-case start, no final period.
    public var message: String
    public var location: SourceLocation
    public var notes: [Note]

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

    public static func error(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation,
        notes: [Note] = []
    ) -> Diagnostic {
        Diagnostic(.error, code, message, at: location, notes: notes)
    }

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
    public private(set) var all: [Diagnostic] = []

    public init(_ all: [Diagnostic] = []) { self.all = all }

    public mutating func append(_ diagnostic: Diagnostic) { all.append(diagnostic) }
    public mutating func append(contentsOf other: Diagnostics) { all.append(contentsOf: other.all) }

    public mutating func error(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation,
        notes: [Diagnostic.Note] = []
    ) {
        all.append(.error(code, message, at: location, notes: notes))
    }

    public mutating func warning(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation,
        notes: [Diagnostic.Note] = []
    ) {
        all.append(.warning(code, message, at: location, notes: notes))
    }

    public var hasErrors: Bool { all.contains { $0.severity == .error } }
    public var errorCount: Int { all.count(where: { $0.severity == .error }) }
    public var warningCount: Int { all.count(where: { $0.severity == .warning }) }
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
    public var diagnostics: Diagnostics
    public init(_ diagnostics: Diagnostics) { self.diagnostics = diagnostics }
}
