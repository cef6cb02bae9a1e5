/// Formatting and units for byte sizes.
public enum Size {
    /// The binary units sizes are shown in.
    public enum Unit: String, CaseIterable, Sendable {
        /// Each size in the largest unit that shows it exactly with at most one
        /// decimal, else in bytes (the reports' default; `--unit auto`).
        case auto
        /// Bytes, exact.
        case B
        /// Kibibytes, 1024 bytes.
        case KiB
        /// Mebibytes, 2^20 bytes.
        case MiB
        /// Gibibytes, 2^30 bytes.
        case GiB
        /// Tebibytes, 2^40 bytes.
        case TiB

        var bytes: Int {
            switch self {
            case .auto, .B: 1
            case .KiB: 1 << 10
            case .MiB: 1 << 20
            case .GiB: 1 << 30
            case .TiB: 1 << 40
            }
        }

        var magnitude: UInt { UInt(bytes) }
    }

    /// A size for a sentence: the largest binary unit that shows it exactly with at
    /// most one decimal (`32 MiB`, `1.5 GiB`), else bytes (`1000 B`); nothing
    /// is `0`, which needs no unit.
    public static func describe(_ bytes: Int) -> String {
        format(bytes, unit: .auto)
    }

    /// A size in `unit`. `auto` picks the largest unit showing the size exactly in
    /// at most one decimal; a fixed unit shows one decimal at most, rounded
    /// half-up, marked `~` when not exact (`~1.3 MiB`), and a size other than
    /// zero too small to show as a tenth of the unit as less than one
    /// (`<0.1 TiB`), never as nothing. A negative size shows a minus sign after
    /// any `~` (`~-1.3 MiB`, `>-0.1 TiB`). Zero is `0` in every unit.
    public static func format(_ bytes: Int, unit: Unit) -> String {
        // Work on the magnitude so that Int.min, whose negation does not fit in an
        // Int, is shown exactly.
        let sign = bytes < 0 ? "-" : ""
        let magnitude = bytes.magnitude
        if magnitude == 0 { return "0" }
        if unit == .B { return "\(sign)\(magnitude) B" }
        if unit == .auto {
            for u in [Unit.TiB, .GiB, .MiB, .KiB] where magnitude >= u.magnitude {
                let (whole, rest) = magnitude.quotientAndRemainder(dividingBy: u.magnitude)
                // Exact with one decimal when rest * 10 is a multiple of the unit
                // (rest < 2^40, so rest * 10 cannot overflow).
                let (tenths, r) = (rest * 10).quotientAndRemainder(dividingBy: u.magnitude)
                if r == 0 {
                    return "\(sign)\(whole)\(tenths == 0 ? "" : ".\(tenths)") \(u.rawValue)"
                }
            }
            return "\(sign)\(magnitude) B"
        }
        let (whole, fraction) = roundedParts(magnitude, unit, 1)
        let exact = magnitude % unit.magnitude * 10 % unit.magnitude == 0
        if (whole, fraction) == (0, 0) { return bytes < 0 ? ">-0.1 \(unit.rawValue)" : "<0.1 \(unit.rawValue)" }
        let mark = exact ? "" : "~"
        return "\(mark)\(sign)\(whole)\(fraction == 0 ? "" : ".\(fraction)") \(unit.rawValue)"
    }
}

extension Size {
    /// One unit and precision for sizes that are read together — a table's
    /// column, a block of totals, a sentence that compares, a chart's labels —
    /// so that they never mix units (`17984 MiB` above `20.5 GiB`).
    ///
    /// With a fixed unit, each size is shown as ``format(_:unit:)`` shows it.
    /// With `auto` (``scale(for:unit:)``): the unit of the largest value (the
    /// largest binary unit it reaches), and the fewest decimals, at most
    /// ``maxDecimals`` (one), that show every value exactly; failing that,
    /// enough decimals for three significant digits of the largest value as
    /// far as one decimal goes, more if two different values would otherwise
    /// look the same or a value other than zero would look like zero; and
    /// when even ``maxDecimals`` cannot keep them apart, the next smaller
    /// unit. Values are rounded half away from zero; the exact bytes are in
    /// the JSON and CSV exports. Zero is `0` in any scale: no unit to read.
    public struct Scale: Sendable, Equatable {
        /// The unit every value is shown in (never `auto`).
        public let unit: Unit
        /// Decimals shown after the point (all values get the same number).
        public let decimals: Int
        /// A unit the user chose: values are formatted one by one, `~` marking those not exact.
        let fixed: Bool

        /// `size` in this scale: `17.6 GiB`, and `0` for nothing.
        public func format(_ bytes: Int) -> String {
            if fixed { return Size.format(bytes, unit: unit) }
            return Size.rounded(bytes, unit: unit, decimals: decimals)
        }
    }

    /// The largest unit that shows every one of `values` exactly with at most
    /// ``maxDecimals`` decimals, and the fewest decimals that do: for values an
    /// operator writes into a spec (a change's old and new sizes, every edit of
    /// one change in one unit), where a rounded figure would be wrong to copy.
    public static func exactScale(for values: some Sequence<Int>) -> Scale {
        let distinct = Set(values.lazy.map(\.magnitude)).sorted()
        guard let largest = distinct.last, largest > 0 else { return Scale(unit: .B, decimals: 0, fixed: false) }
        for u in [Unit.TiB, .GiB, .MiB, .KiB] where largest >= u.magnitude {
            if let d = (0...maxDecimals).first(where: { d in distinct.allSatisfy { exactly($0, u, d) } }) {
                return Scale(unit: u, decimals: d, fixed: false)
            }
        }
        return Scale(unit: .B, decimals: 0, fixed: false)
    }

    /// The most decimals an `auto` scale shows before it moves to a smaller
    /// unit: a figure reads with one decimal at most (`17.6 GiB`, not `17.563 GiB`).
    public static let maxDecimals = 1

    /// The scale for `values` read together (see ``Scale``). Costs a sort of
    /// the distinct values: O(n log n) for n values.
    public static func scale(for values: some Sequence<Int>, unit: Unit) -> Scale {
        if unit != .auto { return Scale(unit: unit, decimals: 0, fixed: true) }
        let distinct = Set(values.lazy.map(\.magnitude)).sorted()
        guard let largest = distinct.last, largest > 0 else { return Scale(unit: .B, decimals: 0, fixed: false) }
        let units: [Unit] = [.TiB, .GiB, .MiB, .KiB, .B]
        let first = units.firstIndex { largest >= $0.magnitude } ?? units.count - 1
        for u in units[first...] {
            if u == .B { break }
            if let exact = (0...maxDecimals).first(where: { d in distinct.allSatisfy { exactly($0, u, d) } }) {
                return Scale(unit: u, decimals: exact, fixed: false)
            }
            let whole = largest / u.magnitude
            let significant = min(whole >= 100 ? 0 : whole >= 10 ? 1 : 2, maxDecimals)
            if let d = (significant...maxDecimals).first(where: { keepsApart(distinct, u, $0) }) {
                return Scale(unit: u, decimals: d, fixed: false)
            }
        }
        return Scale(unit: .B, decimals: 0, fixed: false)
    }

    /// Whether `magnitude` shows exactly in `unit` with `decimals` decimals.
    private static func exactly(_ magnitude: UInt, _ unit: Unit, _ decimals: Int) -> Bool {
        // rest < 2^40 and 10^decimals ≤ 1000, so the product fits.
        (magnitude % unit.magnitude) * power(decimals) % unit.magnitude == 0
    }

    /// Whether sorted distinct magnitudes keep apart, and away from zero, when rounded.
    private static func keepsApart(_ sorted: [UInt], _ unit: Unit, _ decimals: Int) -> Bool {
        var previous: (whole: UInt, fraction: UInt)? = nil
        for value in sorted {
            let shown = roundedParts(value, unit, decimals)
            if value > 0 && shown == (0, 0) { return false }
            if let p = previous, p == shown { return false }
            previous = shown
        }
        return true
    }

    private static func power(_ decimals: Int) -> UInt {
        var p: UInt = 1
        for _ in 0..<decimals { p *= 10 }
        return p
    }

    /// The whole units and the decimals' digits of `magnitude`, rounded half away from zero.
    private static func roundedParts(_ magnitude: UInt, _ unit: Unit, _ decimals: Int) -> (whole: UInt, fraction: UInt) {
        let p = power(decimals)
        let (whole, rest) = magnitude.quotientAndRemainder(dividingBy: unit.magnitude)
        // rest < 2^40: rest × 10^decimals cannot overflow.
        let (fraction, r) = (rest * p).quotientAndRemainder(dividingBy: unit.magnitude)
        if r * 2 >= unit.magnitude {
            return fraction + 1 == p ? (whole + 1, 0) : (whole, fraction + 1)
        }
        return (whole, fraction)
    }

    /// `bytes` in `unit` with exactly `decimals` decimals: `17.6 GiB`; `0`.
    static func rounded(_ bytes: Int, unit: Unit, decimals: Int) -> String {
        // Nothing is nothing in any unit: no decimals, no unit to read.
        if bytes == 0 { return "0" }
        if unit == .B || unit == .auto { return "\(bytes) B" }
        let (whole, fraction) = roundedParts(bytes.magnitude, unit, decimals)
        let sign = bytes < 0 && (whole, fraction) != (0, 0) ? "-" : ""
        guard decimals > 0 else { return "\(sign)\(whole) \(unit.rawValue)" }
        var digits = String(fraction)
        if digits.count < decimals { digits = String(repeating: "0", count: decimals - digits.count) + digits }
        return "\(sign)\(whole).\(digits) \(unit.rawValue)"
    }
}
