/// A position in the source text: 1-based line and 1-based column.
///
/// Columns count Unicode scalars (characters as libyaml counts them), not bytes,
/// so a column matches what an editor shows for the line.
public struct YAMLMark: Hashable, Comparable, Sendable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: YAMLMark, b: YAMLMark) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// How a scalar was written. Only a plain scalar can be a number, a boolean or null.
public enum YAMLScalarStyle: UInt8, Sendable {
    case plain, singleQuoted, doubleQuoted, literal, folded

    /// `true` for every style but plain.
    public var isQuoted: Bool { self != .plain }
}

/// The YAML core schema tags the reader accepts (`!!str`, `!!int`, …).
/// Every other tag is an error: a spec is data, never objects of some language.
public enum YAMLTag: UInt8, Sendable {
    case str, int, float, bool, null, map, seq
}

/// One located node event of the document.
///
/// The reader hides stream and document boundaries, replays aliases and resolves
/// `<<` merge keys, so a consumer sees only scalars and collection starts and ends,
/// followed by a single ``Kind/documentEnd``. Within a mapping, events alternate
/// key (always a scalar) and value.
public struct YAMLEvent: Sendable {
    public enum Kind: UInt8, Sendable {
        case scalar, sequenceStart, sequenceEnd, mappingStart, mappingEnd, documentEnd
    }

    public var kind: Kind
    public var style: YAMLScalarStyle
    /// An explicit core tag, or `nil` when the node has none (or the non-specific `!`).
    public var tag: YAMLTag?
    /// Where the node starts (for an alias: where the anchored node starts).
    public var mark: YAMLMark
    /// The scalar's text as bytes; empty for other kinds. Comparing it with a
    /// known key costs no `String`.
    public var text: YAMLText
    /// How the event reached this place when it is written elsewhere: through
    /// an alias (replayed where the alias stands) or a `<<` merge of an alias;
    /// `nil` for a node read where it is written. ``mark`` stays where the
    /// node is written.
    public var use: YAMLUse? {
        get { YAMLUse(packed: packedUse) }
        set { packedUse = newValue?.packed ?? 0 }
    }

    /// ``use`` in one word (0: none): every event is copied several times on
    /// its way to the decoder, and an optional mark would add a third to its size.
    private var packedUse: UInt64 = 0

    /// The scalar's text; empty for other kinds.
    public var value: String { text.string }

    public init(
        kind: Kind, mark: YAMLMark, value: String = "", style: YAMLScalarStyle = .plain,
        tag: YAMLTag? = nil
    ) {
        self.init(kind: kind, mark: mark, text: YAMLText(value), style: style, tag: tag)
    }

    public init(kind: Kind, mark: YAMLMark, text: YAMLText, style: YAMLScalarStyle = .plain, tag: YAMLTag? = nil) {
        self.kind = kind
        self.mark = mark
        self.text = text
        self.style = style
        self.tag = tag
    }

    /// `true` for a scalar, sequence start or mapping start: the first event of a node.
    public var startsNode: Bool {
        kind == .scalar || kind == .sequenceStart || kind == .mappingStart
    }
}

/// Where a node written elsewhere is used: the alias that replays it, or the
/// alias under a `<<` key that merges it.
public struct YAMLUse: Sendable, Equatable {
    public enum Kind: UInt8, Sendable { case alias, merge }
    public var kind: Kind
    /// Where the alias stands (the outermost, for a node replayed inside another).
    public var mark: YAMLMark

    public init(_ kind: Kind, at mark: YAMLMark) {
        self.kind = kind
        self.mark = mark
    }

    /// Bit 0 set for any use, bit 1 the kind, then the column (30 bits) and
    /// the line (32 bits), each clamped to what its bits hold.
    var packed: UInt64 {
        let line = UInt64(UInt32(clamping: mark.line))
        let column = UInt64(min(max(mark.column, 0), 0x3FFF_FFFF))
        return line << 32 | column << 2 | UInt64(kind.rawValue) << 1 | 1
    }

    init?(packed: UInt64) {
        guard packed & 1 == 1 else { return nil }
        kind = Kind(rawValue: UInt8(packed >> 1 & 1)) ?? .alias
        mark = YAMLMark(line: Int(packed >> 32), column: Int(packed >> 2 & 0x3FFF_FFFF))
    }
}

/// The UTF-8 text of a scalar.
///
/// Most scalars of a spec are keys, sizes and short names, so a text of up to 16
/// bytes is kept inline in two words: making one, comparing it with a key and
/// hashing it allocate nothing, and a `String` is made only when asked for. A
/// longer text is kept as a `String`.
///
/// Two texts are equal when their bytes are, so keys that look alike but are
/// written with different Unicode sequences are different keys, as YAML has it.
public struct YAMLText: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The inline bytes, little-endian: byte `i` is bits `8i..<8i+8` of word `i / 8`.
    private var low: UInt64 = 0
    private var high: UInt64 = 0
    /// The length in bytes when inline; `UInt8.max` when the text is in `long`.
    private var inlineCount: UInt8 = 0
    private var long: String = ""

    static let inlineCapacity = 16
    private static let outOfLine = UInt8.max

    /// The text of `count` bytes at `base` (copied).
    public init(_ base: UnsafePointer<UInt8>, count: Int) {
        if let words = InlineWords(base, count: count) {
            low = words.low
            high = words.high
            inlineCount = words.count
        } else {
            inlineCount = Self.outOfLine
            long = String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
        }
    }

    public init(_ string: String) {
        var copy = string
        self = copy.withUTF8 { utf8 in
            guard let base = utf8.baseAddress else { return YAMLText() }
            return YAMLText(base, count: utf8.count)
        }
    }

    public init(stringLiteral value: String) { self.init(value) }

    /// The empty text.
    public init() {}

    /// The inline text whose words are `words`.
    package init(words: InlineWords) {
        low = words.low
        high = words.high
        inlineCount = words.count
    }

    public var isEmpty: Bool { inlineCount == 0 }

    /// The text in three plain words when it is inline (up to 16 bytes, as
    /// nearly every key is); `nil` for a longer text. Two inline texts are
    /// equal when their words are.
    package var inlineWords: InlineWords? {
        inlineCount == Self.outOfLine ? nil : InlineWords(low: low, high: high, count: inlineCount)
    }

    /// An inline text's bytes: two words and the length.
    public struct InlineWords: Equatable, Sendable {
        public var low: UInt64 = 0
        public var high: UInt64 = 0
        public var count: UInt8 = 0

        public init() {}

        @inlinable
        public init(low: UInt64, high: UInt64, count: UInt8) {
            self.low = low
            self.high = high
            self.count = count
        }

        /// The `count` bytes at `base` as words; `nil` when they are more
        /// than an inline text holds.
        @inline(__always)
        package init?(_ base: UnsafePointer<UInt8>, count: Int) {
            guard count <= YAMLText.inlineCapacity else { return nil }
            let words = ByteWords(base, count: count)
            self.count = UInt8(truncatingIfNeeded: count)
            low = words.low
            high = words.high
        }
    }

    /// The length in bytes.
    public var count: Int { inlineCount == Self.outOfLine ? long.utf8.count : Int(inlineCount) }

    /// The first byte, if any.
    public var first: UInt8? {
        if inlineCount == Self.outOfLine { return long.utf8.first }
        return inlineCount == 0 ? nil : UInt8(truncatingIfNeeded: low)
    }

    /// Calls `body` with the text's bytes, valid only during the call.
    public func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if inlineCount == Self.outOfLine {
            var copy = long
            return try copy.withUTF8(body)
        }
        var words = (low.littleEndian, high.littleEndian)
        return try withUnsafeBytes(of: &words) { raw in
            try body(UnsafeBufferPointer(start: raw.bindMemory(to: UInt8.self).baseAddress, count: Int(inlineCount)))
        }
    }

    /// The text as a `String`.
    public var string: String {
        if inlineCount == Self.outOfLine { return long }
        if inlineCount == 0 { return "" }
        return withUTF8 { String(decoding: $0, as: UTF8.self) }
    }

    public var description: String { string }

    public static func == (a: YAMLText, b: YAMLText) -> Bool {
        guard a.inlineCount == b.inlineCount, a.low == b.low, a.high == b.high else { return false }
        return a.inlineCount != outOfLine || a.long.utf8.elementsEqual(b.long.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(inlineCount)
        if inlineCount == Self.outOfLine {
            withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        } else {
            hasher.combine(low)
            hasher.combine(high)
        }
    }
}

/// Why reading stopped. Every error carries the position it refers to.
public struct YAMLError: Error, Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// libyaml's scanner or parser rejected the text.
        case syntax
        /// The bytes are not valid UTF-8 (or are UTF-16/32).
        case encoding
        /// The input is larger than ``YAMLLimits/maxInputBytes``.
        case inputTooLarge
        /// Collections nest deeper than ``YAMLLimits/maxDepth``.
        case tooDeep
        /// Aliases expand to more nodes than ``YAMLLimits/aliasBudget(nodesWritten:)`` allows.
        case aliasBudget
        /// An alias names no anchor defined before it.
        case undefinedAlias
        /// The same key appears twice in one mapping.
        case duplicateKey
        /// A mapping key is not a scalar.
        case complexKey
        /// A `<<` merge key whose value is not a mapping or a list of mappings.
        case invalidMerge
        /// A second document (`---`) follows the first.
        case multipleDocuments
        /// A tag other than the YAML core schema's.
        case unsupportedTag
    }

    public var kind: Kind
    public var message: String
    public var mark: YAMLMark
    /// An extra sentence suggesting the fix, when one is obvious.
    public var hint: String?
    /// A second position the error refers to (the first occurrence of a duplicate key).
    public var related: YAMLMark?

    public init(
        _ kind: Kind, _ message: String, at mark: YAMLMark, hint: String? = nil,
        related: YAMLMark? = nil
    ) {
        self.kind = kind
        self.message = message
        self.mark = mark
        self.hint = hint
        self.related = related
    }
}

/// Bounds on what the reader accepts, so hostile input fails fast instead of
/// exhausting time or memory.
public struct YAMLLimits: Sendable, Equatable {
    /// Largest input in bytes. Default 256 MiB: ten times a 150,000-job fleet spec.
    public var maxInputBytes: Int
    /// Deepest nesting of collections. Default 64; a spec needs 8. Checked on every
    /// start event, before libyaml's flow scanner can slow down on deep nesting.
    public var maxDepth: Int
    /// Most nodes that aliases (and `<<` merges) may expand to in total, or
    /// ``aliasRatio`` times the nodes written in the input when that is more, so
    /// a spec that merges defaults into every job scales with its own content,
    /// while comments or blank space add nothing. Default 100,000: a "billion
    /// laughs" input stops here within milliseconds, however much padding
    /// surrounds it.
    public var maxAliasExpansion: Int

    /// How many times the nodes written aliases may expand to, past
    /// ``maxAliasExpansion`` (go-yaml bounds the ratio of expanded to decoded
    /// nodes the same way). A merge of a machine's template into each machine
    /// expands to its nodes per machine; 10 leaves room for a template of ten
    /// times what each machine writes of its own.
    public static let aliasRatio = 10

    /// The nodes aliases may expand to once `nodesWritten` nodes are read.
    public func aliasBudget(nodesWritten: Int) -> Int {
        let (grown, overflow) = nodesWritten.multipliedReportingOverflow(by: Self.aliasRatio)
        return max(maxAliasExpansion, overflow ? Int.max : grown)
    }

    public init(
        maxInputBytes: Int = 256 << 20, maxDepth: Int = 64, maxAliasExpansion: Int = 100_000
    ) {
        self.maxInputBytes = maxInputBytes
        self.maxDepth = maxDepth
        self.maxAliasExpansion = maxAliasExpansion
    }

    public static let `default` = YAMLLimits()
}
