/// One located node event as the reader hands it to a decoder of this
/// package (``YAMLReader/nextToken()``): what a ``YAMLEvent`` says, as plain
/// data, so that copying or dropping one costs no reference counting (a
/// ``YAMLEvent``'s text holds a `String` when it is long, and so is counted
/// at every copy of every event).
///
/// A text of up to 16 bytes (nearly every scalar of a spec) is inline, in
/// two words; a longer one is a range of the reader's long texts, read
/// through the reader that made the token (``YAMLReader/text(of:)``,
/// ``YAMLReader/string(of:)``, ``YAMLReader/withBytes(of:_:)``), which keeps
/// them as long as it lives.
///
/// Public, with its small accessors `@inlinable`, so that they inline into
/// the decoder in the other module (this compiler does not inline a
/// `package` declaration's body across modules); the module is no product
/// of the package, so this shows nothing to its users. The reader's methods
/// that hand tokens out stay `package`.
public struct YAMLToken: Sendable {
    public var kind: YAMLEvent.Kind
    public var style: YAMLScalarStyle
    /// An explicit core tag, or `nil` when the node has none (or the non-specific `!`).
    public var tag: YAMLTag?
    /// The text's length in bytes when it is inline; ``outOfLine`` when
    /// `low` and `high` are the start and the length of a range of long texts.
    @usableFromInline var textCount: UInt8
    /// Where the node starts (for an alias: where the anchored node starts).
    public var mark: YAMLMark
    /// The inline bytes, little-endian (byte `i` in bits `8i..<8i+8` of word
    /// `i / 8`, 0 past the text); or the range of a long text.
    @usableFromInline var low: UInt64
    @usableFromInline var high: UInt64
    /// ``YAMLEvent/use`` packed in one word (0: none).
    @usableFromInline var packedUse: UInt64 = 0

    @usableFromInline static let outOfLine = UInt8.max

    /// A token of `kind` with no text.
    init(_ kind: YAMLEvent.Kind, mark: YAMLMark) {
        self.kind = kind
        style = .plain
        tag = nil
        textCount = 0
        self.mark = mark
        low = 0
        high = 0
    }

    /// `true` for a scalar, sequence start or mapping start: the first event of a node.
    @inlinable public var startsNode: Bool {
        kind == .scalar || kind == .sequenceStart || kind == .mappingStart
    }

    /// `true` when the text is empty (a long text never is).
    @inlinable public var isEmpty: Bool { textCount == 0 }

    /// The text's words when it is inline; `nil` for a long text.
    @inlinable public var inlineWords: YAMLText.InlineWords? {
        textCount == Self.outOfLine ? nil : YAMLText.InlineWords(low: low, high: high, count: textCount)
    }

    /// The text's first byte when it is inline and not empty; `nil` otherwise
    /// (a long text: ask the reader).
    @inlinable public var firstInlineByte: UInt8? {
        textCount == 0 || textCount == Self.outOfLine ? nil : UInt8(truncatingIfNeeded: low)
    }

    /// `true` when the text is inline and has exactly the bytes of `words`.
    @inlinable public func hasText(_ words: YAMLText.InlineWords) -> Bool {
        textCount == words.count && low == words.low && high == words.high
    }

    /// See ``YAMLEvent/use``.
    public var use: YAMLUse? {
        get { YAMLUse(packed: packedUse) }
        set { packedUse = newValue?.packed ?? 0 }
    }

    /// `true` when an alias replays the node (not a merge, not where it is written).
    @inlinable public var isAliasUse: Bool { packedUse & 3 == 1 }

    /// `true` when the node is used where it is not written (an alias or a merge).
    @inlinable public var isUsedElsewhere: Bool { packedUse != 0 }
}

/// Up to 16 bytes as two little-endian words (byte `i` in bits `8i..<8i+8` of
/// word `i / 8`; 0 past `count`), read with a few loads rather than a byte
/// loop or a `memcpy` call, and never past `count`.
///
/// Public and `@inlinable` for the same reason as ``YAMLToken``.
public struct ByteWords {
    public var low: UInt64 = 0
    public var high: UInt64 = 0

    @inlinable public init() {}

    /// The `count` (at most 16) bytes at `base`.
    @inlinable @inline(__always)
    public init(_ base: UnsafePointer<UInt8>, count: Int) {
        let raw = UnsafeRawPointer(base)
        if count >= 8 {
            low = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            if count > 8 {
                // Bytes count-8..<count, shifted down past those already in `low`.
                let last = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
                high = last >> UInt64((16 - count) * 8)
            }
        } else if count >= 4 {
            let first = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
            let last = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
            low = first | last << UInt64((count - 4) * 8)
        } else if count > 0 {
            low =
                UInt64(base[0]) | UInt64(base[count >> 1]) << UInt64((count >> 1) * 8)
                | UInt64(base[count - 1]) << UInt64((count - 1) * 8)
        }
    }
}
