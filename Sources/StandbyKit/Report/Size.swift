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
    }

    /// A size for a sentence: the largest binary unit that shows it exactly with at
    /// most two decimals (`32 MiB`, `1.5 GiB`), else bytes (`1000 B`).
    public static func describe(_ bytes: Int) -> String {
        format(bytes, unit: .auto)
    }

    /// A size in `unit`. `auto` picks the largest unit showing the size exactly in
    /// at most two decimals; a fixed unit shows up to two decimals, rounded
    /// half-up, marked `~` when not exact.
    public static func format(_ bytes: Int, unit: Unit) -> String {
        if bytes < 0 { return "-" + format(bytes == Int.min ? Int.max : -bytes, unit: unit) }
        if unit == .B { return "\(bytes) B" }
        if unit == .auto {
            if bytes == 0 { return "0 B" }
            for u in [Unit.TiB, .GiB, .MiB, .KiB] where bytes >= u.bytes {
                let whole = bytes / u.bytes
                let rest = bytes % u.bytes
                // Exact with two decimals when rest * 100 is a multiple of the unit.
                let (scaled, o) = rest.multipliedReportingOverflow(by: 100)
                if !o && scaled % u.bytes == 0 {
                    let cents = scaled / u.bytes
                    return "\(whole)\(decimals(cents)) \(u.rawValue)"
                }
            }
            return "\(bytes) B"
        }
        let whole = bytes / unit.bytes
        let rest = bytes % unit.bytes
        let scaled = rest.multipliedFullWidth(by: 100)
        var (cents, r) = unit.bytes.dividingFullWidth(scaled)
        let exact = r == 0
        if r * 2 >= unit.bytes { cents += 1 }
        r = 0
        if cents == 100 { return "\(exact ? "" : "~")\(whole + 1) \(unit.rawValue)" }
        return "\(exact ? "" : "~")\(whole)\(decimals(cents)) \(unit.rawValue)"
    }

    private static func decimals(_ cents: Int) -> String {
        if cents == 0 { return "" }
        if cents % 10 == 0 { return ".\(cents / 10)" }
        return cents < 10 ? ".0\(cents)" : ".\(cents)"
    }
}
