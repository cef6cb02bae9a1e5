/// How much a job grows per period, in basis points (1% is 100): a
/// percentage from `0%` to `1000%` with at most two decimals (`2%`, `0.5%`,
/// `2.25%`), as `standby runway --growth` and a job's `growth:` key write it
/// (docs/runway.md).
public struct GrowthRate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Hundredths of a percent: `2.5%` is 250.
    public let basisPoints: Int

    /// The largest rate, 1000% a period.
    public static let maxBasisPoints = 100_000

    /// The rate of `basisPoints` hundredths of a percent a period; `nil`
    /// outside 0 to ``maxBasisPoints`` (0% to 1000%).
    public init?(basisPoints: Int) {
        guard (0...Self.maxBasisPoints).contains(basisPoints) else { return nil }
        self.basisPoints = basisPoints
    }

    /// Why a text is not a rate.
    public enum ParseFailure: Error, Hashable, Sendable {
        /// Not `N%` or `N.NN%`.
        case syntax
        /// Below 0%.
        case negative
        /// Above 1000%.
        case tooLarge
        /// More than two digits after the point.
        case tooPrecise
    }

    /// Parses `N%`, `N.N%` or `N.NN%` (digits only; at most 12 before the
    /// point, so the arithmetic is bounded).
    public static func parse(_ text: String) -> Result<GrowthRate, ParseFailure> {
        var bytes = Array(text.utf8)
        guard bytes.last == UInt8(ascii: "%") else { return .failure(.syntax) }
        bytes.removeLast()
        if bytes.first == UInt8(ascii: "-") {
            let rest = bytes.dropFirst()
            return rest.isEmpty || !rest.allSatisfy(isDigitOrPoint) ? .failure(.syntax) : .failure(.negative)
        }
        if bytes.first == UInt8(ascii: "+") { bytes.removeFirst() }
        let point = bytes.firstIndex(of: UInt8(ascii: "."))
        let whole = bytes[..<(point ?? bytes.endIndex)]
        let fraction = point.map { bytes[($0 + 1)...] } ?? []
        guard !whole.isEmpty, whole.allSatisfy(isDigit), fraction.allSatisfy(isDigit),
            point == nil || !fraction.isEmpty
        else { return .failure(.syntax) }
        guard fraction.count <= 2 else { return .failure(.tooPrecise) }
        let significant = whole.drop { $0 == UInt8(ascii: "0") }
        guard significant.count <= 4 else { return .failure(.tooLarge) }
        var points = 0
        for d in significant { points = points * 10 + Int(d - UInt8(ascii: "0")) }
        points *= 100
        var scale = 10
        for d in fraction {
            points += Int(d - UInt8(ascii: "0")) * scale
            scale /= 10
        }
        guard let rate = GrowthRate(basisPoints: points) else { return .failure(.tooLarge) }
        return .success(rate)
    }

    /// `size` after one period: ⌈size × (10000 + basis points) / 10000⌉,
    /// exact (128-bit intermediate); `nil` past 2^63−1 bytes.
    public func grow(_ size: Int) -> Int? {
        guard size >= 0 else { return nil }
        let product = size.multipliedFullWidth(by: 10_000 + basisPoints)
        // The quotient fits an Int exactly when the product is below
        // 10000 × 2^63 = 5000 × 2^64.
        guard product.high < 5_000 else { return nil }
        let (q, r) = 10_000.dividingFullWidth(product)
        if r == 0 { return q }
        let (up, o) = q.addingReportingOverflow(1)
        return o ? nil : up
    }

    /// As written canonically: `2%`, `0.5%`, `2.25%`.
    public var description: String {
        let whole = basisPoints / 100
        let hundredths = basisPoints % 100
        if hundredths == 0 { return "\(whole)%" }
        if hundredths % 10 == 0 { return "\(whole).\(hundredths / 10)%" }
        return "\(whole).\(hundredths < 10 ? "0" : "")\(hundredths)%"
    }

    /// Whether `a` is the slower rate.
    public static func < (a: Self, b: Self) -> Bool { a.basisPoints < b.basisPoints }

    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    private static func isDigitOrPoint(_ b: UInt8) -> Bool { isDigit(b) || b == UInt8(ascii: ".") }
}
