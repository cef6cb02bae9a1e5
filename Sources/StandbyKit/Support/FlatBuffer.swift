/// Growable storage of plain values at one address until it next grows: what
/// the planner's per-case scratch lists and the byte writers append to.
///
/// Unlike an `Array` it checks neither uniqueness nor (in release builds)
/// bounds per element, and emptying it is one store, so a list that is filled
/// and emptied once per case costs nothing to reuse. It is a reference: one
/// owner appends to it, and the pointers it hands out (``elements``) stay
/// valid until the next append or ``removeAll()``.
final class FlatBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 16) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var isEmpty: Bool { count == 0 }

    /// The elements, valid until the next append or ``removeAll()``.
    var elements: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    subscript(i: Int) -> Element {
        get {
            assert(i >= 0 && i < count, "index out of range")
            return base[i]
        }
        set {
            assert(i >= 0 && i < count, "index out of range")
            base[i] = newValue
        }
    }

    /// Empties the buffer, keeping its memory.
    @inline(__always)
    func removeAll() { count = 0 }

    /// Drops the last `n` elements.
    func removeLast(_ n: Int = 1) {
        precondition(n >= 0 && n <= count, "removing more than the buffer holds")
        count -= n
    }

    /// Makes room for `extra` more elements and returns where they go.
    @inline(__always)
    func reserve(_ extra: Int) -> UnsafeMutablePointer<Element> {
        if extra > capacity - count { grow(to: count + extra) }
        return base + count
    }

    /// How many elements fit after the last one before the buffer grows: at
    /// least what ``reserve(_:)`` made room for.
    var spare: Int { capacity - count }

    /// Counts `n` elements written at ``reserve(_:)``'s pointer as appended.
    @inline(__always)
    func commit(_ n: Int) { count += n }

    /// Counts the elements written from ``reserve(_:)``'s pointer up to `end` as appended.
    @inline(__always)
    func commit(upTo end: UnsafeMutablePointer<Element>) {
        assert(end >= base + count, "committing before the end")
        count = end - base
    }

    private func grow(to needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    func append(_ element: Element) {
        reserve(1).initialize(to: element)
        count += 1
    }

    func append(contentsOf elements: UnsafeBufferPointer<Element>) {
        guard let source = elements.baseAddress, elements.count > 0 else { return }
        reserve(elements.count).initialize(from: source, count: elements.count)
        count += elements.count
    }

    /// Sorts the elements in place, unless they already are in order: the
    /// lists the planner sorts are nearly always sorted already.
    func sortIfNeeded(by areInIncreasingOrder: (Element, Element) -> Bool) {
        guard count > 1 else { return }
        var i = 1
        while i < count && !areInIncreasingOrder(base[i], base[i - 1]) { i += 1 }
        guard i < count else { return }
        var all = UnsafeMutableBufferPointer(start: base, count: count)
        all.sort(by: areInIncreasingOrder)
    }

    /// A copy of the elements.
    func copy() -> FlatBuffer {
        let other = FlatBuffer(capacity: capacity)
        other.base.initialize(from: base, count: count)
        other.count = count
        return other
    }
}

extension FlatBuffer where Element == UInt8 {
    /// Appends `n` bytes from `source`.
    @inline(__always)
    func appendBytes(_ source: UnsafeRawPointer, _ n: Int) {
        copyBytes(from: source, to: UnsafeMutableRawPointer(reserve(n)), count: n)
        count += n
    }

    @inline(__always)
    func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        appendBytes(source, bytes.count)
    }

    /// Appends a static ASCII literal.
    @inline(__always)
    func appendASCII(_ text: StaticString) {
        appendBytes(text.utf8Start, text.utf8CodeUnitCount)
    }

    /// Appends an integer in decimal, without going through `String`.
    @inline(__always)
    func appendDecimal(_ value: Int) {
        commit(upTo: writeDecimal(value, to: reserve(maxDecimalCount)))
    }

    /// The bytes as a `String`.
    var string: String { String(decoding: elements, as: UTF8.self) }
}

/// The most bytes an `Int` takes in decimal: a sign and 19 digits.
let maxDecimalCount = 20

/// Writes `value` in decimal at `target` and returns the end of what it wrote
/// (at most ``maxDecimalCount`` bytes).
@inline(__always)
func writeDecimal(_ value: Int, to target: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
    if value >= 0 && value < 10 {
        target.pointee = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value)
        return target + 1
    }
    return writeLongDecimal(value, to: target)
}

private func writeLongDecimal(_ value: Int, to target: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
    var start = target
    if value < 0 {
        start.pointee = UInt8(ascii: "-")
        start += 1
    }
    var magnitude = value.magnitude
    let end = start + decimalDigitCount(magnitude)
    var p = end
    let pairs = decimalPairs.utf8Start
    while magnitude >= 100 {
        let pair = Int(truncatingIfNeeded: magnitude % 100) &* 2
        magnitude /= 100
        p -= 2
        p[0] = pairs[pair]
        p[1] = pairs[pair &+ 1]
    }
    if magnitude >= 10 {
        let pair = Int(truncatingIfNeeded: magnitude) &* 2
        p -= 2
        p[0] = pairs[pair]
        p[1] = pairs[pair &+ 1]
    } else {
        p -= 1
        p[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude)
    }
    return end
}

/// How many decimal digits `x` has (1 for 0): from its bit length, which
/// tells the count but for one, and one comparison.
@inline(__always)
func decimalDigitCount(_ x: UInt) -> Int {
    // log10(2) is about 1233 / 4096: the guess is the count, or one less.
    let bits = UInt.bitWidth &- (x | 1).leadingZeroBitCount
    let guess = (bits &* 1233) >> 12
    return guess &+ (x >= powerOfTen(guess) ? 1 : 0)
}

/// 10^`k` for `k` in 0...19 (every power an `UInt` holds).
@inline(__always)
private func powerOfTen(_ k: Int) -> UInt {
    switch k {
    case 0: 1
    case 1: 10
    case 2: 100
    case 3: 1_000
    case 4: 10_000
    case 5: 100_000
    case 6: 1_000_000
    case 7: 10_000_000
    case 8: 100_000_000
    case 9: 1_000_000_000
    case 10: 10_000_000_000
    case 11: 100_000_000_000
    case 12: 1_000_000_000_000
    case 13: 10_000_000_000_000
    case 14: 100_000_000_000_000
    case 15: 1_000_000_000_000_000
    case 16: 10_000_000_000_000_000
    case 17: 100_000_000_000_000_000
    case 18: 1_000_000_000_000_000_000
    default: 10_000_000_000_000_000_000
    }
}

/// "00" through "99", two bytes each: static text, read with no check.
private var decimalPairs: StaticString {
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
}

/// Copies `n` bytes. Short runs (keys, names, numbers) go eight bytes at a time
/// instead of through `memcpy`: whole words from the front, then one last word
/// ending at the end (overlapping the one before it when `n` is not a multiple
/// of eight).
@inline(__always)
func copyBytes(from source: UnsafeRawPointer, to target: UnsafeMutableRawPointer, count n: Int) {
    // Offsets stay below `n`: wrapping arithmetic spares the overflow checks.
    if n >= 8 && n <= 64 {
        let last = n &- 8
        var offset = 0
        while offset < last {
            target.storeBytes(of: source.loadUnaligned(fromByteOffset: offset, as: UInt64.self), toByteOffset: offset, as: UInt64.self)
            offset &+= 8
        }
        target.storeBytes(of: source.loadUnaligned(fromByteOffset: last, as: UInt64.self), toByteOffset: last, as: UInt64.self)
    } else if n >= 4 && n < 8 {
        target.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
        target.storeBytes(of: source.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self), toByteOffset: n &- 4, as: UInt32.self)
    } else if n < 4 {
        for i in 0..<n { target.storeBytes(of: source.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self) }
    } else {
        target.copyMemory(from: source, byteCount: n)
    }
}
