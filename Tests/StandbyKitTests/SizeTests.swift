import Testing

@testable import StandbyKit

@Suite struct SizeTests {
    private let ki = 1 << 10
    private let mi = 1 << 20
    private let gi = 1 << 30
    private let ti = 1 << 40

    @Test func autoPicksTheLargestUnitExactWithOneDecimal() {
        let cases: [(Int, String)] = [
            (0, "0"), (1, "1 B"), (1000, "1000 B"), (1023, "1023 B"), (1024, "1 KiB"), (1025, "1025 B"),
            (1280, "1280 B"), (1536, "1.5 KiB"), (1034, "1034 B"),
            (32 * mi, "32 MiB"), (160 * mi, "160 MiB"), (mi + 10 * ki, "1034 KiB"),
            (3 * gi / 2, "1.5 GiB"), (gi + gi / 4, "1280 MiB"), (gi + 10 * mi + 256 * ki, "1059072 KiB"),
            (1440 * mi, "1440 MiB"), (2 * ti, "2 TiB"), (1024 * ti, "1024 TiB"), (3 * ti + 512 * gi, "3.5 TiB"),
            (1_000_000_000, "976562.5 KiB"), (1_000_000_001, "1000000001 B"), (Int.max, "9223372036854775807 B"),
            (-32 * mi, "-32 MiB"), (Int.min, "-8388608 TiB"), (Int.min + 1, "-9223372036854775807 B"),
        ]
        for (bytes, text) in cases {
            #expect(Size.format(bytes, unit: .auto) == text, "\(bytes)")
            #expect(Size.describe(bytes) == text, "\(bytes)")
        }
    }

    @Test func bytesAreAlwaysExact() {
        #expect(Size.format(0, unit: .B) == "0")
        #expect(Size.format(32 * mi, unit: .B) == "33554432 B")
        #expect(Size.format(Int.min, unit: .B) == "-9223372036854775808 B")
    }

    @Test func fixedUnitsShowOneDecimalAndMarkRounding() {
        let cases: [(Int, Size.Unit, String)] = [
            (0, .KiB, "0"), (1024, .KiB, "1 KiB"), (1536, .KiB, "1.5 KiB"), (1, .KiB, "<0.1 KiB"),
            (51, .KiB, "<0.1 KiB"), (52, .KiB, "~0.1 KiB"), (1034, .KiB, "~1 KiB"), (1127, .KiB, "~1.1 KiB"),
            (0, .MiB, "0"), (160 * mi, .MiB, "160 MiB"), (mi / 4, .MiB, "~0.3 MiB"), (mi / 2, .MiB, "0.5 MiB"),
            (mi / 20, .MiB, "<0.1 MiB"), (mi / 3, .MiB, "~0.3 MiB"), (2 * mi / 3, .MiB, "~0.7 MiB"),
            (mi - 1, .MiB, "~1 MiB"), (1_000_000, .MiB, "~1 MiB"),
            (gi, .GiB, "1 GiB"), (32 * mi, .GiB, "<0.1 GiB"), (1440 * mi, .GiB, "~1.4 GiB"),
            (gi + gi / 2, .GiB, "1.5 GiB"), (gi / 100 * 100, .GiB, "~1 GiB"),
            (ti, .TiB, "1 TiB"), (512 * gi, .TiB, "0.5 TiB"), (gi, .TiB, "<0.1 TiB"), (51 * gi, .TiB, "<0.1 TiB"), (52 * gi, .TiB, "~0.1 TiB"),
            (103 * gi, .TiB, "~0.1 TiB"), (Int.max, .TiB, "~8388608 TiB"),
            (-mi / 3, .MiB, "~-0.3 MiB"), (-gi, .TiB, ">-0.1 TiB"), (Int.min, .TiB, "-8388608 TiB"),
        ]
        for (bytes, unit, text) in cases {
            #expect(Size.format(bytes, unit: unit) == text, "\(bytes) in \(unit)")
        }
    }

    /// A size other than zero never reads as nothing in a unit too large for it.
    @Test func aSmallSizeInALargeUnitIsLessThanATenth() {
        for bytes in [1, 1 << 10, 1 << 20, 1 << 30, 50 << 30] {
            #expect(Size.format(bytes, unit: .TiB) == "<0.1 TiB", "\(bytes)")
            #expect(Size.scale(for: [bytes], unit: .TiB).format(bytes) == "<0.1 TiB", "\(bytes)")
        }
    }

    @Test func halfwayRoundsUp() {
        // 0.05 MiB exactly is 52428.8 bytes; 52429 bytes is just over halfway to 0.1.
        #expect(Size.format(52429, unit: .MiB) == "~0.1 MiB")
        #expect(Size.format(52428, unit: .MiB) == "<0.1 MiB")
        // 1.25 KiB is an exact tie at one decimal: half-up gives 1.3.
        #expect(Size.format(1280, unit: .KiB) == "~1.3 KiB")
    }

    @Test func everyUnitHasAName() {
        #expect(Size.Unit.allCases.map(\.rawValue) == ["auto", "B", "KiB", "MiB", "GiB", "TiB"])
    }
}
