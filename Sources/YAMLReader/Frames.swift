/// The open collections the reader tracks: a frame per collection, with the
/// keys seen (for duplicate keys) and the merges waiting for the mapping's end.
extension ReaderCore {
    struct Frame {
        enum Kind { case sequence, mapping, mergeList }
        var kind: Kind
        var expectingKey = true
        var mergeValueNext = false
        /// Where the latest key of a mapping starts.
        var keyMark = YAMLMark(line: 0, column: 0)
        var keys = KeySet()
        var merges: [[YAMLEvent]] = []
        /// Set on the root mapping of an inline `<<` value: its events are captured.
        var capturesMerge = false
        init(_ kind: Kind) { self.kind = kind }

        /// Makes a used frame new again, keeping its key storage.
        mutating func reset(_ kind: Kind, capturesMerge: Bool) {
            self.kind = kind
            expectingKey = true
            mergeValueNext = false
            keys.removeAll()
            if !merges.isEmpty { merges = [] }
            self.capturesMerge = capturesMerge
        }
    }

    /// The open collections, innermost last. Popped frames stay in storage and are
    /// reused, so a document of many small mappings allocates key storage once
    /// per depth, not once per mapping.
    struct FrameStack {
        private var storage: [Frame] = []
        private(set) var count = 0

        var topIndex: Int? { count > 0 ? count - 1 : nil }

        subscript(index: Int) -> Frame {
            _read { yield storage[index] }
            _modify { yield &storage[index] }
        }

        mutating func push(_ kind: Frame.Kind, capturesMerge: Bool = false) {
            if count < storage.count {
                storage[count].reset(kind, capturesMerge: capturesMerge)
            } else {
                var frame = Frame(kind)
                frame.capturesMerge = capturesMerge
                storage.append(frame)
            }
            count += 1
        }

        /// Pops the innermost frame. Its keys and merges are moved out only when it
        /// has merges to emit, so its storage stays unique for reuse otherwise.
        mutating func pop() -> (kind: Frame.Kind, capturesMerge: Bool, merges: [[YAMLEvent]], keys: KeySet) {
            count -= 1
            let kind = storage[count].kind
            let captures = storage[count].capturesMerge
            guard !storage[count].merges.isEmpty else { return (kind, captures, [], KeySet()) }
            let merges = storage[count].merges
            storage[count].merges = []
            let keys = storage[count].keys
            storage[count].keys = KeySet()
            return (kind, captures, merges, keys)
        }
    }

    struct Capture {
        var events: [YAMLEvent] = []
        /// Index in `frames` of the mapping whose `<<` this value belongs to.
        var target: Int
    }
}

/// The keys of one mapping: a short list scanned linearly, then a dictionary once
/// the mapping grows, so checking every key of a document stays linear.
///
/// Keys of up to 16 bytes (nearly all) are kept as plain words, so that
/// emptying the set for the next mapping, and comparing a key, involve no
/// reference counting: every mapping of a spec goes through here.
struct KeySet {
    private struct Entry {
        var words: YAMLText.InlineWords
        var mark: YAMLMark
    }

    private var inline: [Entry] = []
    /// Keys longer than 16 bytes, rare: scanned like ``inline``.
    private var long: [(YAMLText, YAMLMark)] = []
    private var large: [YAMLText: YAMLMark]? = nil

    /// Empties the set, keeping its storage.
    mutating func removeAll() {
        if !inline.isEmpty { inline.removeAll(keepingCapacity: true) }
        if !long.isEmpty { long.removeAll(keepingCapacity: true) }
        large = nil
    }

    /// Inserts `key`; returns where it was first seen when it is already present.
    mutating func insert(_ key: YAMLText, at mark: YAMLMark) -> YAMLMark? {
        if large != nil {
            if let first = large?[key] { return first }
            large?[key] = mark
            return nil
        }
        if let words = key.inlineWords {
            for entry in inline where entry.words == words { return entry.mark }
            inline.append(Entry(words: words, mark: mark))
        } else {
            for (k, m) in long where k == key { return m }
            long.append((key, mark))
        }
        if inline.count + long.count > 16 {
            var all = Dictionary(long, uniquingKeysWith: { a, _ in a })
            for entry in inline { all[YAMLText(words: entry.words)] = entry.mark }
            large = all
            inline = []
            long = []
        }
        return nil
    }
}
