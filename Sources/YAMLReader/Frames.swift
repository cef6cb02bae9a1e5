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

/// The keys of one mapping: a short array scanned linearly, then a dictionary once
/// the mapping grows, so checking every key of a document stays linear.
struct KeySet {
    private var small: [(YAMLText, YAMLMark)] = []
    private var large: [YAMLText: YAMLMark]? = nil

    /// Empties the set, keeping its storage.
    mutating func removeAll() {
        small.removeAll(keepingCapacity: true)
        large = nil
    }

    /// Inserts `key`; returns where it was first seen when it is already present.
    mutating func insert(_ key: YAMLText, at mark: YAMLMark) -> YAMLMark? {
        if large != nil {
            if let first = large?[key] { return first }
            large?[key] = mark
            return nil
        }
        for (k, m) in small where k == key { return m }
        small.append((key, mark))
        if small.count > 16 {
            large = Dictionary(small, uniquingKeysWith: { a, _ in a })
            small = []
        }
        return nil
    }
}
