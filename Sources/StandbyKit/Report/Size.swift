/// Formatting and units for byte sizes.
public enum Size {
    /// The binary units sizes are shown in.
    public enum Unit: String, CaseIterable, Sendable {
        case auto, B, KiB, MiB, GiB, TiB

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
    /// most two decimals (`32 MiB`, `1.5 GiB`), else bytes (`1000 B`).
    public static func describe(_ bytes: Int) -> String {
        format(bytes, unit: .auto)
    }

    /// A size in `unit`. `auto` picks the largest unit showing the size exactly in
    /// at most two decimals; a fixed unit shows up to two decimals, rounded
    /// half-up, marked `~` when not exact (`~1.33 MiB`). A negative size shows a
    /// minus sign after any `~` (`~-1.33 MiB`).
    public static func format(_ bytes: Int, unit: Unit) -> String {
        // Work on the magnitude so that Int.min, whose negation does not fit in an
        // Int, is shown exactly.
        let sign = bytes < 0 ? "-" : ""
        let magnitude = bytes.magnitude
        if unit == .B { return "\(sign)\(magnitude) B" }
        if unit == .auto {
            if magnitude == 0 { return "0 B" }
            for u in [Unit.TiB, .GiB, .MiB, .KiB] where magnitude >= u.magnitude {
                let (whole, rest) = magnitude.quotientAndRemainder(dividingBy: u.magnitude)
                // Exact with two decimals when rest * 100 is a multiple of the unit
                // (rest < 2^40, so rest * 100 cannot overflow).
                let (cents, r) = (rest * 100).quotientAndRemainder(dividingBy: u.magnitude)
                if r == 0 {
                    return "\(sign)\(whole)\(decimals(cents)) \(u.rawValue)"
                }
            }
            return "\(sign)\(magnitude) B"
        }
        let (whole, rest) = magnitude.quotientAndRemainder(dividingBy: unit.magnitude)
        let (hundredths, r) = (rest * 100).quotientAndRemainder(dividingBy: unit.magnitude)
        var cents = hundredths
        let mark = r == 0 ? "" : "~"
        // Half-up: the dropped part is at least half a hundredth of the unit.
        if r * 2 >= unit.magnitude { cents += 1 }
        if cents == 100 { return "\(mark)\(sign)\(whole + 1) \(unit.rawValue)" }
        return "\(mark)\(sign)\(whole)\(decimals(cents)) \(unit.rawValue)"
    }

    private static func decimals(_ cents: UInt) -> String {
        if cents == 0 { return "" }
        if cents % 10 == 0 { return ".\(cents / 10)" }
        return cents < 10 ? ".0\(cents)" : ".\(cents)"
    }
}
