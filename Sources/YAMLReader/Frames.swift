/// The open collections the reader tracks: a frame per collection, the keys
/// of every open mapping (for duplicate keys), and the merges waiting for a
/// mapping's end.
extension ReaderCore {
    /// One open collection. Plain data: every event of a document pushes,
    /// reads or pops one.
    struct Frame {
        enum Kind: UInt8 { case sequence, mapping, mergeList }
        var kind: Kind
        var expectingKey = true
        var mergeValueNext = false
        /// Set on the root mapping of an inline `<<` value: its events are captured.
        var capturesMerge = false
        /// Merges wait for this mapping's end (in ``FrameStack``'s side table).
        var hasMerges = false
        /// The mapping has more than ``FrameStack/scannedKeys`` keys: they are
        /// in a dictionary (in ``FrameStack``'s side table), not in the key stack.
        var isLarge = false
        /// Where the latest key of a mapping starts.
        var keyMark = YAMLMark(line: 0, column: 0)
        /// Where this mapping's keys start in the key stack.
        var keysStart: Int

        init(_ kind: Kind, keysStart: Int) {
            self.kind = kind
            self.keysStart = keysStart
        }
    }

    /// A key of an open mapping: its text as a token has it (inline words, or
    /// a range of the long texts) and where it is written.
    struct KeyEntry {
        var low: UInt64
        var high: UInt64
        var count: UInt8
        var mark: YAMLMark
    }

    /// The open collections, innermost last, and the keys of the open
    /// mappings, each mapping's after its parent's: a mapping's keys are the
    /// end of the key stack while it is the innermost mapping, and are dropped
    /// when it ends. Both stacks are plain memory the reader owns (nothing is
    /// reference-counted or copied on write per event) and grow to the
    /// document's nesting, which the depth limit bounds.
    ///
    /// A mapping's keys are scanned for a repeat while it has at most
    /// ``scannedKeys``; past that they move into a dictionary, so checking
    /// every key of a document stays linear.
    struct FrameStack {
        static let scannedKeys = 16

        private var frames: UnsafeMutablePointer<Frame>?
        private var frameCapacity = 0
        private(set) var count = 0
        private var keys: UnsafeMutablePointer<KeyEntry>?
        private var keyCapacity = 0
        private var keyCount = 0
        /// By frame index: the merges waiting for the frame's end (rare).
        private var merges: [[[YAMLToken]]] = []
        /// By frame index: the keys of a large mapping (rare).
        private var largeKeys: [[YAMLText: YAMLMark]] = []

        init() {}

        /// Frees the stacks; called once, by the reader's `deinit`.
        mutating func release() {
            frames?.deallocate()
            keys?.deallocate()
            frames = nil
            keys = nil
        }

        var topIndex: Int? { count > 0 ? count - 1 : nil }

        /// The innermost frame, in place.
        var top: UnsafeMutablePointer<Frame>? {
            guard count > 0, let frames else { return nil }
            return frames + (count - 1)
        }

        subscript(index: Int) -> Frame {
            unsafeAddress {
                precondition(index >= 0 && index < count)
                return UnsafePointer(frames.unsafelyUnwrapped + index)
            }
            nonmutating unsafeMutableAddress {
                precondition(index >= 0 && index < count)
                return frames.unsafelyUnwrapped + index
            }
        }

        mutating func push(_ kind: Frame.Kind, capturesMerge: Bool = false) {
            if count == frameCapacity { Self.grow(&frames, count: count, capacity: &frameCapacity, least: 16) }
            var frame = Frame(kind, keysStart: keyCount)
            frame.capturesMerge = capturesMerge
            (frames.unsafelyUnwrapped + count).initialize(to: frame)
            count += 1
        }

        /// Doubles a stack's storage (to `least` at first), moving its
        /// `count` elements.
        private static func grow<Element>(
            _ storage: inout UnsafeMutablePointer<Element>?, count: Int, capacity: inout Int, least: Int
        ) {
            let doubled = max(least, capacity * 2)
            let grown = UnsafeMutablePointer<Element>.allocate(capacity: doubled)
            if let storage {
                grown.moveInitialize(from: storage, count: count)
                storage.deallocate()
            }
            storage = grown
            capacity = doubled
        }

        /// Pops the innermost frame: its keys, and any merges or large key
        /// set it had, are dropped.
        @discardableResult
        mutating func pop() -> Frame {
            precondition(count > 0, "an end event with no open collection")
            count -= 1
            let frame = frames.unsafelyUnwrapped[count]
            keyCount = frame.keysStart
            if frame.hasMerges { merges[count] = [] }
            if frame.isLarge { largeKeys[count] = [:] }
            return frame
        }

        /// Adds a merge source (a whole mapping's events) to frame `index`.
        mutating func addMerge(_ events: [YAMLToken], to index: Int) {
            while merges.count <= index { merges.append([]) }
            merges[index].append(events)
            self[index].hasMerges = true
        }

        /// The merges waiting for the innermost frame's end.
        func mergesOfTop() -> [[YAMLToken]] {
            guard let top = topIndex, self[top].hasMerges else { return [] }
            return merges[top]
        }

        /// The keys of the innermost mapping as texts (`longTexts` holds the
        /// long ones), for merging into it.
        func keyTextsOfTop(longTexts: [UInt8]) -> Set<YAMLText> {
            guard let top = topIndex else { return [] }
            if self[top].isLarge { return Set(largeKeys[top].keys) }
            var texts = Set<YAMLText>()
            for i in self[top].keysStart..<keyCount {
                texts.insert(Self.text(of: keys.unsafelyUnwrapped[i], longTexts: longTexts))
            }
            return texts
        }

        /// Records `key` as a key of the innermost mapping; returns where it was
        /// first written when the mapping has it already. `longTexts` holds the
        /// text of a long key.
        mutating func insertKey(_ key: YAMLToken, longTexts: [UInt8]) -> YAMLMark? {
            guard let top = topIndex else { return nil }
            if self[top].isLarge {
                let text = YAMLText(token: key, longTexts: longTexts)
                if let first = largeKeys[top][text] { return first }
                largeKeys[top][text] = key.mark
                return nil
            }
            let start = self[top].keysStart
            if let keys {
                var i = start
                if key.textCount != YAMLToken.outOfLine {
                    while i < keyCount {
                        let entry = keys[i]
                        if entry.low == key.low && entry.high == key.high && entry.count == key.textCount {
                            return entry.mark
                        }
                        i += 1
                    }
                } else {
                    while i < keyCount {
                        if keys[i].count == YAMLToken.outOfLine
                            && Self.sameLongText(keys[i].low, keys[i].high, key.low, key.high, in: longTexts)
                        {
                            return keys[i].mark
                        }
                        i += 1
                    }
                }
            }
            if keyCount - start == Self.scannedKeys {
                moveToDictionary(top, adding: key, longTexts: longTexts)
                return nil
            }
            if keyCount == keyCapacity { Self.grow(&keys, count: keyCount, capacity: &keyCapacity, least: 64) }
            (keys.unsafelyUnwrapped + keyCount).initialize(
                to: KeyEntry(low: key.low, high: key.high, count: key.textCount, mark: key.mark))
            keyCount += 1
            return nil
        }

        /// Moves the keys of frame `top` (the innermost) into a dictionary, with `key`.
        private mutating func moveToDictionary(_ top: Int, adding key: YAMLToken, longTexts: [UInt8]) {
            var all: [YAMLText: YAMLMark] = [:]
            for i in self[top].keysStart..<keyCount {
                let entry = keys.unsafelyUnwrapped[i]
                all[Self.text(of: entry, longTexts: longTexts)] = entry.mark
            }
            all[YAMLText(token: key, longTexts: longTexts)] = key.mark
            while largeKeys.count <= top { largeKeys.append([:]) }
            largeKeys[top] = all
            keyCount = self[top].keysStart
            self[top].isLarge = true
        }

        private static func text(of entry: KeyEntry, longTexts: [UInt8]) -> YAMLText {
            var token = YAMLToken(.scalar, mark: entry.mark)
            (token.low, token.high, token.textCount) = (entry.low, entry.high, entry.count)
            return YAMLText(token: token, longTexts: longTexts)
        }

        /// Whether two ranges of `longTexts` hold the same bytes.
        private static func sameLongText(
            _ start1: UInt64, _ count1: UInt64, _ start2: UInt64, _ count2: UInt64, in longTexts: [UInt8]
        ) -> Bool {
            guard count1 == count2 else { return false }
            let a = Int(start1)
            let b = Int(start2)
            return longTexts[a..<(a + Int(count1))].elementsEqual(longTexts[b..<(b + Int(count2))])
        }
    }

    struct Capture {
        var events: [YAMLToken] = []
        /// Index in `frames` of the mapping whose `<<` this value belongs to.
        var target: Int
    }
}

extension YAMLText {
    /// The text of `token`, whose long text (if any) is a range of `longTexts`.
    init(token: YAMLToken, longTexts: [UInt8]) {
        if let words = token.inlineWords {
            self.init(words: words)
            return
        }
        let start = Int(token.low)
        let count = Int(token.high)
        self = longTexts.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress, start >= 0, count >= 0, start + count <= all.count else {
                return YAMLText()
            }
            return YAMLText(base + start, count: count)
        }
    }
}
