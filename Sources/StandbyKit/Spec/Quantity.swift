/// Sizes written as Kubernetes-style quantities, read into whole bytes exactly.
///
/// A bare number is bytes; `Ki Mi Gi Ti Pi Ei` (or `KiB` … `EiB`) are powers of
/// 1024; `k M G T P E` (or `kB MB` … `EB`) are powers of 1000. A fraction is
/// accepted when the result is a whole number of bytes (`1.5Gi`, `0.5Ki`). No
/// sign, no exponent, no spaces, at most 2^63−1 bytes. Everything is computed
/// in integers (128-bit where a product needs it), never in floating point.
public enum Quantity {
    /// Why a text is not a size.
    public enum Failure: Error, Hashable, Sendable {
        /// Not a quantity at all; `hint` says what was probably meant, when that is clear.
        case syntax(hint: String?)
        /// A minus sign.
        case negative
        /// More than 2^63−1 bytes.
        case tooLarge
        /// A fraction that does not come to a whole number of bytes (`0.5`, `1.1Ki`).
        case fractionalBytes
    }

    /// Every suffix and its multiplier, longest spellings first within a letter.
    static let suffixes: [(suffix: String, multiplier: UInt64)] = [
        ("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("Ti", 1 << 40), ("Pi", 1 << 50),
        ("Ei", 1 << 60),
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40), ("PiB", 1 << 50),
        ("EiB", 1 << 60),
        ("k", 1_000), ("M", 1_000_000), ("G", 1_000_000_000), ("T", 1_000_000_000_000),
        ("P", 1_000_000_000_000_000), ("E", 1_000_000_000_000_000_000),
        ("kB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
        ("PB", 1_000_000_000_000_000), ("EB", 1_000_000_000_000_000_000),
    ]

    /// The forms a size may take, for notes under an error.
    package static let acceptedForms =
        "a size is a whole number of bytes, or a number with a suffix: Ki Mi Gi Ti Pi Ei "
        + "(powers of 1024) or k M G T P E (powers of 1000), such as 256Mi, 1.5Gi or 4G"

    /// Most digits after the decimal point: 10^18 still fits in 64 bits, and no
    /// decimal suffix can absorb more.
    static let maxFractionDigits = 18

    /// The bytes a quantity stands for.
    public static func parse(_ text: String) -> Result<Int, Failure> {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    /// The common form, up to 18 digits and an optional suffix (`64Mi`,
    /// `4096`), read straight from its bytes: what ``parse(bytes:)`` gives for
    /// it, or `nil` for any other text (``parse(bytes:)`` decides then).
    @inline(__always)
    static func parseWhole(bytes b: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        var whole: UInt64 = 0
        // 18 digits stay below 10^18: no overflow to check.
        while i < b.count && i < 18 {
            let digit = b[i] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            whole = whole &* 10 &+ UInt64(digit)
            i += 1
        }
        guard i > 0 else { return nil }
        var multiplier: UInt64 = 1
        if i < b.count {
            guard let m = lookUp(UnsafeBufferPointer(rebasing: b[i...])) else { return nil }
            multiplier = m
        }
        let (bytes, overflow) = whole.multipliedReportingOverflow(by: multiplier)
        guard !overflow, bytes <= UInt64(Int.max) else { return nil }
        return Int(bytes)
    }

    static func parse(bytes b: UnsafeBufferPointer<UInt8>) -> Result<Int, Failure> {
        let digit0 = UInt8(ascii: "0")
        let digit9 = UInt8(ascii: "9")
        var i = 0
        let n = b.count
        var negative = false
        if i < n && b[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        } else if i < n && b[i] == UInt8(ascii: "+") {
            return .failure(.syntax(hint: "a size has no sign; remove the '+'"))
        }

        // Whole part: at least one digit.
        let wholeStart = i
        var whole: UInt64 = 0
        var wholeOverflow = false
        while i < n && b[i] >= digit0 && b[i] <= digit9 {
            let (m, o1) = whole.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(b[i] - digit0))
            wholeOverflow = wholeOverflow || o1 || o2
            whole = s
            i += 1
        }
        if i == wholeStart {
            if i < n && b[i] == UInt8(ascii: ".") {
                return .failure(.syntax(hint: "write a digit before the decimal point, as in 0.5Gi"))
            }
            return .failure(.syntax(hint: nil))
        }

        // Fraction: at least one digit after the point; trailing zeros do not count.
        var fraction: UInt64 = 0
        var fractionDigits = 0
        if i < n && b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < n && b[i] >= digit0 && b[i] <= digit9 { i += 1 }
            if i == start {
                return .failure(.syntax(hint: "write a digit after the decimal point, or remove the point"))
            }
            var end = i
            while end > start && b[end - 1] == digit0 { end -= 1 }
            fractionDigits = end - start
            if fractionDigits > maxFractionDigits {
                return .failure(
                    .syntax(hint: "write at most \(maxFractionDigits) digits after the decimal point"))
            }
            for k in start..<end { fraction = fraction * 10 + UInt64(b[k] - digit0) }
        }

        // Suffix: the rest, exactly one of the table's.
        let suffix = UnsafeBufferPointer(rebasing: b[i...])
        var multiplier: UInt64 = 1
        if !suffix.isEmpty {
            guard let m = lookUp(suffix) else {
                let number = String(decoding: UnsafeBufferPointer(rebasing: b[wholeStart..<i]), as: UTF8.self)
                return .failure(.syntax(hint: hint(number: number, suffix: String(decoding: suffix, as: UTF8.self))))
            }
            multiplier = m
        }
        if negative { return .failure(.negative) }
        if wholeOverflow { return .failure(.tooLarge) }

        // whole × multiplier + fraction × multiplier / 10^digits, each step checked.
        let (wholeBytes, o1) = whole.multipliedReportingOverflow(by: multiplier)
        if o1 { return .failure(.tooLarge) }
        var fractionBytes: UInt64 = 0
        if fractionDigits > 0 {
            var scale: UInt64 = 1
            for _ in 0..<fractionDigits { scale *= 10 }
            // fraction < 10^digits, so the quotient is below the multiplier: it fits.
            let product = fraction.multipliedFullWidth(by: multiplier)
            let (q, r) = scale.dividingFullWidth(product)
            if r != 0 {
                // Still report "too large" first when the whole part alone is past the limit.
                return wholeBytes > UInt64(Int.max) ? .failure(.tooLarge) : .failure(.fractionalBytes)
            }
            fractionBytes = q
        }
        let (total, o2) = wholeBytes.addingReportingOverflow(fractionBytes)
        if o2 || total > UInt64(Int.max) { return .failure(.tooLarge) }
        return .success(Int(total))
    }

    /// The multiplier of a suffix: a switch on its bytes, as this runs for every size.
    private static func lookUp(_ suffix: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard suffix.count <= 3 else { return nil }
        let power: Int
        switch suffix[0] {
        case UInt8(ascii: "K"), UInt8(ascii: "k"): power = 1
        case UInt8(ascii: "M"): power = 2
        case UInt8(ascii: "G"): power = 3
        case UInt8(ascii: "T"): power = 4
        case UInt8(ascii: "P"): power = 5
        case UInt8(ascii: "E"): power = 6
        default: return nil
        }
        let binary: Bool
        switch (suffix.count, suffix.count > 1 ? suffix[1] : 0, suffix.count > 2 ? suffix[2] : 0) {
        case (1, _, _): binary = false
        case (2, UInt8(ascii: "i"), _): binary = true
        case (2, UInt8(ascii: "B"), _): binary = false
        case (3, UInt8(ascii: "i"), UInt8(ascii: "B")): binary = true
        default: return nil
        }
        // Decimal kilo is a lower-case 'k'; binary kibi an upper-case 'K'.
        if power == 1 && (suffix[0] == UInt8(ascii: "K")) != binary { return nil }
        var multiplier: UInt64 = 1
        for _ in 0..<power { multiplier *= binary ? 1024 : 1000 }
        return multiplier
    }

    /// What an unknown suffix probably meant: `256m`, `256mi`, `256Mo` → `256Mi` or `256M`.
    static func hint(number: String, suffix: String) -> String? {
        if suffix.first == " " || suffix.first == "\t" {
            let rest = suffix.drop(while: { $0 == " " || $0 == "\t" })
            if rest.isEmpty || suffixes.contains(where: { $0.suffix == rest }) {
                return "remove the space: write '\(number)\(rest)'"
            }
        }
        if let first = suffix.unicodeScalars.first, first == "e" || first == "E" {
            let rest = suffix.unicodeScalars.dropFirst()
            if let d = rest.first, d == "+" || d == "-" || ("0"..."9").contains(d) {
                return "exponents are not accepted; write the digits out or use a suffix such as M or G"
            }
        }
        if suffix.first == "_" || suffix.first == "," {
            return "write the digits without separators"
        }
        let lower = suffix.lowercased()
        if lower == "b" || lower == "byte" || lower == "bytes" {
            return "a bare number is bytes: write '\(number)'"
        }
        guard let letter = lower.first, "kmgtpe".contains(letter) else { return nil }
        let binary = "\(number)\(letter.uppercased())i"
        let decimal = "\(number)\(letter == "k" ? "k" : letter.uppercased())"
        switch lower.dropFirst() {
        case "i", "ib", "io":
            return "did you mean '\(binary)'?"
        case "", "b", "o":
            if suffix == "m" {
                return "did you mean '\(binary)' (mebibytes) or '\(decimal)' (megabytes)? "
                    + "a lower-case 'm' is not a unit of bytes"
            }
            return "did you mean '\(binary)' (powers of 1024) or '\(decimal)' (powers of 1000)?"
        default:
            return nil
        }
    }

    /// The shortest exact quantity for `bytes` in binary units: `256Mi`, `1536Ki`, `1000`.
    public static func literal(_ bytes: Int) -> String {
        if bytes == 0 { return "0" }
        for (suffix, shift) in [("Ei", 60), ("Pi", 50), ("Ti", 40), ("Gi", 30), ("Mi", 20), ("Ki", 10)]
        where bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(suffix)"
        }
        return "\(bytes)"
    }

    // MARK: - Rounding to a granule

    /// `size` rounded up to a multiple of `granule` (> 0); `nil` past 2^63−1.
    public static func roundUp(_ size: Int, to granule: Int) -> Int? {
        let rest = size % granule
        if rest == 0 { return size }
        let (r, o) = (size - rest).addingReportingOverflow(granule)
        return o ? nil : r
    }

    /// `size` rounded down to a multiple of `granule` (> 0).
    public static func roundDown(_ size: Int, to granule: Int) -> Int {
        size - size % granule
    }
}

extension Percentage {
    /// Why a text is not a percentage.
    public enum ParseFailure: Error, Hashable, Sendable {
        /// Not `N%` or `N.N%`; `hint` says what was probably meant.
        case syntax(hint: String?)
        /// Above 100%.
        case tooLarge
        /// More than ``maxDecimals`` digits after the point.
        case tooPrecise
    }

    /// Most digits after the decimal point of a percentage.
    public static let maxDecimals = 12

    /// Reads `0%` … `100%`, decimals allowed (`12.5%`), into an exact fraction in
    /// lowest terms (`12.5%` is 1/8, `100%` is 1/1).
    public static func parse(_ text: String) -> Result<Percentage, ParseFailure> {
        let digits = text.utf8
        var whole: Int = 0
        var wholeDigits = 0
        var fraction: Int = 0
        var fractionDigits = 0
        var i = digits.startIndex
        let zero = UInt8(ascii: "0")
        while i != digits.endIndex, digits[i] >= zero, digits[i] <= UInt8(ascii: "9") {
            // Saturate: anything past 1000 is above 100% anyway, and cannot overflow.
            whole = min(whole * 10 + Int(digits[i] - zero), 1000)
            wholeDigits += 1
            i = digits.index(after: i)
        }
        if wholeDigits == 0 {
            return .failure(.syntax(hint: text.hasPrefix("-") ? "a share cannot be negative" : nil))
        }
        if i != digits.endIndex, digits[i] == UInt8(ascii: ".") {
            i = digits.index(after: i)
            var kept: [UInt8] = []
            while i != digits.endIndex, digits[i] >= zero, digits[i] <= UInt8(ascii: "9") {
                kept.append(digits[i] - zero)
                i = digits.index(after: i)
            }
            if kept.isEmpty { return .failure(.syntax(hint: "write a digit after the decimal point")) }
            while kept.last == 0 { kept.removeLast() }
            if kept.count > maxDecimals { return .failure(.tooPrecise) }
            for d in kept { fraction = fraction * 10 + Int(d) }
            fractionDigits = kept.count
        }
        let rest = text.utf8[i...]
        guard rest.elementsEqual("%".utf8) else {
            if rest.isEmpty {
                return .failure(.syntax(hint: "write it with a percent sign, as in '\(text)%'"))
            }
            return .failure(.syntax(hint: nil))
        }
        var scale = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        // percent = whole + fraction / scale; share = percent / 100.
        let numerator = whole * scale + fraction
        let denominator = 100 * scale
        if numerator > denominator { return .failure(.tooLarge) }
        let g = gcd(numerator, denominator)
        return .success(Percentage(numerator: numerator / g, denominator: denominator / g))
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
