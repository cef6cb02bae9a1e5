import YAMLReader

/// Names mapped to values, for the validator's check that names are unique
/// within a machine: an open-addressing table keyed by the names' UTF-8
/// bytes (a name of up to 16 bytes, as nearly every one is, in two words),
/// so that a fleet's hundreds of thousands of job names cost no `Hasher`
/// (SipHash) and no `String` comparison each.
///
/// Names are equal when `String` says so, as in a `[String: Value]`: the
/// table compares bytes while every name it holds is ASCII (where byte
/// equality and `String` equality agree), and moves everything into a
/// `Dictionary` at the first name that is not.
///
/// The hash is fixed (no seed), so the table is deterministic, and names
/// chosen to collide could make its probe sequences long. Bound: an insert
/// probes at most ``maxProbes`` slots before the table gives up on its own
/// index and moves into a `Dictionary` (seeded, `String`-keyed), so n
/// inserts cost O(n · maxProbes) probes before the move, O(n) to move, and a
/// dictionary's expected O(1) each after it: linear whatever the names. The
/// answers never depend on the hash, only how fast they come.
struct NameTable<Value> {
    /// Slots probed at most per insert before the table moves into a
    /// dictionary: 32 (tests lower it to make the move happen).
    let maxProbes: Int

    /// Index into `entries` + 1 per slot (0: empty); a power of two of them.
    private var slots: [Int32] = []
    private var entries: [Entry] = []
    /// The bytes past the 16th of the names longer than 16 bytes, one after another.
    private var tails: [UInt8] = []
    /// Set once the table has moved (see the type's comment): every name is here instead.
    private var dictionary: [String: Value]?

    /// Whether the table has moved into a dictionary (for tests).
    var movedToDictionary: Bool { dictionary != nil }

    private struct Entry {
        var key: NameKey
        /// Where the name's bytes past the 16th start in `tails`.
        var tail: Int
        var value: Value
    }

    /// An empty table with room for `capacity` names before it grows.
    init(capacity: Int = 0, maxProbes: Int = 32) {
        self.maxProbes = max(1, maxProbes)
        reset(capacity: capacity)
    }

    /// Empties the table, keeping its storage, with room for `capacity` names.
    mutating func reset(capacity: Int) {
        dictionary = nil
        entries.removeAll(keepingCapacity: true)
        tails.removeAll(keepingCapacity: true)
        var size = 16
        while size < capacity * 2 && size < 1 << 30 { size *= 2 }
        if slots.count == size {
            slots.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        } else {
            slots = [Int32](repeating: 0, count: size)
        }
    }

    /// Inserts `name` with `value` when the table lacks it; otherwise leaves the
    /// table as it is and returns the value already there. `key` is the
    /// name's ``NameKey``, when it has one.
    mutating func insert(_ name: String, key: NameKey?, _ value: Value) -> Value? {
        if dictionary == nil {
            if let key {
                switch insert(key, name, value) {
                case .inserted: return nil
                case .present(let first): return first
                case .gaveUp: break
                }
            }
            moveToDictionary()
        }
        if let first = dictionary?[name] { return first }
        dictionary?[name] = value
        return nil
    }

    private enum Outcome {
        case inserted, present(Value), gaveUp
    }

    private mutating func insert(_ key: NameKey, _ name: String, _ value: Value) -> Outcome {
        if (entries.count + 1) * 2 > slots.count {
            guard grow() else { return .gaveUp }
        }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: key.hash) & mask
        for _ in 0..<maxProbes {
            let e = Int(slots[slot]) - 1
            if e < 0 {
                var tail = tails.count
                if key.count > 16 {
                    // Rare: names of up to 63 characters are what a spec allows.
                    guard let start = append(tailOf: name) else { return .gaveUp }
                    tail = start
                }
                entries.append(Entry(key: key, tail: tail, value: value))
                slots[slot] = Int32(truncatingIfNeeded: entries.count)
                return .inserted
            }
            if entries[e].key == key && (key.count <= 16 || sameTail(name, entries[e])) {
                return .present(entries[e].value)
            }
            slot = (slot + 1) & mask
        }
        return .gaveUp
    }

    private mutating func append(tailOf name: String) -> Int? {
        let start = tails.count
        tails.append(contentsOf: name.utf8.dropFirst(16))
        return start
    }

    private func sameTail(_ name: String, _ entry: Entry) -> Bool {
        let tail = name.utf8.dropFirst(16)
        return tails[entry.tail..<(entry.tail + entry.key.count - 16)].elementsEqual(tail)
    }

    /// Twice the slots, every entry placed again; `false` when a probe
    /// sequence passes ``maxProbes`` or the table would pass 2^30 slots.
    private mutating func grow() -> Bool {
        guard slots.count < 1 << 30 else { return false }
        slots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for e in entries.indices {
            var slot = Int(truncatingIfNeeded: entries[e].key.hash) & mask
            var probes = 0
            while slots[slot] != 0 {
                probes += 1
                if probes == maxProbes { return false }
                slot = (slot + 1) & mask
            }
            slots[slot] = Int32(truncatingIfNeeded: e + 1)
        }
        return true
    }

    private mutating func moveToDictionary() {
        var all: [String: Value] = [:]
        all.reserveCapacity(entries.count + 1)
        for entry in entries {
            var name = entry.key.head
            if entry.key.count > 16 {
                name += String(decoding: tails[entry.tail..<(entry.tail + entry.key.count - 16)], as: UTF8.self)
            }
            all[name] = entry.value
        }
        dictionary = all
        entries.removeAll(keepingCapacity: true)
        tails.removeAll(keepingCapacity: true)
    }
}

/// A name's first 16 UTF-8 bytes in two words, its length and a hash of
/// all its bytes: what ``NameTable`` compares first. Only an ASCII name has
/// one, where bytes are equal exactly when the names are.
struct NameKey: Equatable {
    var low: UInt64
    var high: UInt64
    var count: Int
    var hash: UInt64

    /// The key of `name`; `nil` when it is not ASCII.
    init?(_ name: String) {
        let key: NameKey?
        if let contiguous = name.utf8.withContiguousStorageIfAvailable({ NameKey(bytes: $0) }) {
            key = contiguous
        } else {
            var copy = name
            key = copy.withUTF8 { NameKey(bytes: $0) }
        }
        guard let key else { return nil }
        self = key
    }

    private init?(bytes: UnsafeBufferPointer<UInt8>) {
        let count = bytes.count
        let words = bytes.baseAddress.map { ByteWords($0, count: min(count, 16)) } ?? ByteWords()
        var ascii = words.low | words.high
        var h = Self.mix(words.low, words.high, count)
        if count > 16 {
            // FNV-1a over the rest, folded into the head's hash.
            var i = 16
            while i < count {
                ascii |= UInt64(bytes[i])
                h = (h ^ UInt64(bytes[i])) &* 0x0000_0100_0000_01B3
                i += 1
            }
            h = Self.mix(h, 0, count)
        }
        guard ascii & 0x8080_8080_8080_8080 == 0 else { return nil }
        low = words.low
        high = words.high
        self.count = count
        hash = h
    }

    /// The head's text, for moving to a dictionary.
    var head: String {
        var words = (low.littleEndian, high.littleEndian)
        return withUnsafeBytes(of: &words) { raw in
            String(decoding: raw.prefix(min(count, 16)), as: UTF8.self)
        }
    }

    private static func mix(_ a: UInt64, _ b: UInt64, _ count: Int) -> UInt64 {
        var h = (a ^ 0x9e37_79b9_7f4a_7c15) &* 0xbf58_476d_1ce4_e5b9
        h ^= (b ^ UInt64(truncatingIfNeeded: count)) &* 0x94d0_49bb_1331_11eb
        h ^= h >> 31
        h &*= 0xd6e8_feb8_6659_fd93
        h ^= h >> 32
        return h
    }
}
