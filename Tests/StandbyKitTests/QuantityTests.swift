import Testing

@testable import StandbyKit

@Suite struct QuantityTests {
    static let ki = 1 << 10
    static let mi = 1 << 20
    static let gi = 1 << 30

    @Test func bareIntegersAreBytes() {
        #expect(Quantity.parse("0") == .success(0))
        #expect(Quantity.parse("1") == .success(1))
        #expect(Quantity.parse("1048576") == .success(1 << 20))
        #expect(Quantity.parse("007") == .success(7))
    }

    static let table: [(String, Int)] = [
        ("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("Ti", 1 << 40), ("Pi", 1 << 50),
        ("Ei", 1 << 60),
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40), ("PiB", 1 << 50),
        ("EiB", 1 << 60),
        ("k", 1_000), ("M", 1_000_000), ("G", 1_000_000_000), ("T", 1_000_000_000_000),
        ("P", 1_000_000_000_000_000), ("E", 1_000_000_000_000_000_000),
        ("kB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
        ("PB", 1_000_000_000_000_000), ("EB", 1_000_000_000_000_000_000),
    ]

    @Test(arguments: QuantityTests.table)
    func everySuffix(suffix: String, multiplier: Int) {
        #expect(Quantity.parse("1\(suffix)") == .success(multiplier))
        #expect(Quantity.parse("3\(suffix)") == .success(3 * multiplier))
        #expect(Quantity.parse("0\(suffix)") == .success(0))
    }

    @Test func theSuffixTableAndTheLookUpAgree() {
        for (suffix, multiplier) in Quantity.suffixes {
            #expect(Quantity.parse("1\(suffix)") == .success(Int(multiplier)), "\(suffix)")
        }
    }

    @Test func fractionsThatComeToWholeBytes() {
        #expect(Quantity.parse("1.5Gi") == .success(3 << 29))
        #expect(Quantity.parse("0.5Ki") == .success(512))
        #expect(Quantity.parse("0.25Mi") == .success(256 * Self.ki))
        #expect(Quantity.parse("2.5k") == .success(2_500))
        #expect(Quantity.parse("1.000001M") == .success(1_000_001))
        #expect(Quantity.parse("1.0") == .success(1))
        #expect(Quantity.parse("1.50000Gi") == .success(3 << 29))
        #expect(Quantity.parse("0.0009765625Ki") == .success(1))
    }

    @Test func fractionsOfAByteAreOutOfRange() {
        #expect(Quantity.parse("0.5") == .failure(.fractionalBytes))
        #expect(Quantity.parse("1.1Ki") == .failure(.fractionalBytes))
        #expect(Quantity.parse("1.0000001M") == .failure(.fractionalBytes))
        #expect(Quantity.parse("0.001k") == .success(1))
        #expect(Quantity.parse("0.0001k") == .failure(.fractionalBytes))
    }

    @Test func theLargestSize() {
        #expect(Quantity.parse("9223372036854775807") == .success(Int.max))
        #expect(Quantity.parse("9223372036854775808") == .failure(.tooLarge))
        #expect(Quantity.parse("7Ei") == .success(7 << 60))
        #expect(Quantity.parse("8Ei") == .failure(.tooLarge))
        #expect(Quantity.parse("7.99Ei") == .failure(.fractionalBytes))
        #expect(Quantity.parse("9.2E") == .success(9_200_000_000_000_000_000))
        #expect(Quantity.parse("9.3E") == .failure(.tooLarge))
        #expect(Quantity.parse("8191Pi") == .success(8191 << 50))
        #expect(Quantity.parse("8192Pi") == .failure(.tooLarge))
    }

    @Test func hugeDigitStringsAreOutOfRangeNotATrap() {
        let huge = "1" + String(repeating: "0", count: 30)
        #expect(Quantity.parse(huge) == .failure(.tooLarge))
        #expect(Quantity.parse(huge + "Ei") == .failure(.tooLarge))
        #expect(Quantity.parse(huge + ".5") == .failure(.tooLarge))
        #expect(Quantity.parse(String(repeating: "9", count: 10_000)) == .failure(.tooLarge))
        #expect(Quantity.parse(String(repeating: "0", count: 100) + "1Ki") == .success(1024))
    }

    @Test func negativeSizesAreOutOfRange() {
        #expect(Quantity.parse("-1Mi") == .failure(.negative))
        #expect(Quantity.parse("-1") == .failure(.negative))
    }

    @Test func syntaxErrors() {
        for text in [
            "", "1e3", "1E3", "1e+3", "+1Mi", "1 Mi", " 1Mi", "1Mi ", "Mi", ".5Gi", "1.Gi", "1..5Gi",
            "1_000", "0x10", "1,5Gi", "1KB", "1K", "1kiB", "1mi", "1m", "1Mo", "1b", "1B", "1bytes",
            "1Mib", "1Gig", "1.5.Gi", "inf", "NaN", "1Mi!", "１Mi", "1Zi", "1Yi",
        ] {
            guard case .failure(.syntax) = Quantity.parse(text) else {
                Issue.record("'\(text)' should be a syntax error, got \(Quantity.parse(text))")
                continue
            }
        }
    }

    @Test func hintsForLikelySuffixes() {
        func hint(_ text: String) -> String? {
            if case .failure(.syntax(let hint)) = Quantity.parse(text) { return hint }
            return nil
        }
        #expect(hint("256m")?.contains("'256Mi'") == true)
        #expect(hint("256m")?.contains("'256M'") == true)
        #expect(hint("256mi") == "did you mean '256Mi'?")
        #expect(hint("256Mo")?.contains("'256M'") == true)
        #expect(hint("256Mio") == "did you mean '256Mi'?")
        #expect(hint("4kib") == "did you mean '4Ki'?")
        #expect(hint("4K")?.contains("'4k'") == true)
        #expect(hint("4KB")?.contains("'4Ki'") == true)
        #expect(hint("1 Gi") == "remove the space: write '1Gi'")
        #expect(hint("1e3")?.contains("exponents") == true)
        #expect(hint("100B") == "a bare number is bytes: write '100'")
        #expect(hint("+1Mi") == "a size has no sign; remove the '+'")
        #expect(hint("1Zi") == nil)
    }

    @Test func rounding() {
        #expect(Quantity.roundUp(0, to: Self.mi) == 0)
        #expect(Quantity.roundUp(1, to: Self.mi) == Self.mi)
        #expect(Quantity.roundUp(Self.mi, to: Self.mi) == Self.mi)
        #expect(Quantity.roundUp(Self.mi + 1, to: Self.mi) == 2 * Self.mi)
        #expect(Quantity.roundUp(Int.max, to: Self.mi) == nil)
        #expect(Quantity.roundUp(Int.max, to: 1) == Int.max)
        #expect(Quantity.roundDown(Self.mi - 1, to: Self.mi) == 0)
        #expect(Quantity.roundDown(3 * Self.mi + 5, to: Self.mi) == 3 * Self.mi)
    }

    @Test func literals() {
        #expect(Quantity.literal(0) == "0")
        #expect(Quantity.literal(256 * Self.mi) == "256Mi")
        #expect(Quantity.literal(1536 * Self.ki) == "1536Ki")
        #expect(Quantity.literal(3 * Self.gi) == "3Gi")
        #expect(Quantity.literal(1000) == "1000")
    }
}

@Suite struct PercentageTests {
    @Test func exactFractionsInLowestTerms() {
        #expect(Percentage.parse("100%") == .success(.full))
        #expect(Percentage.parse("0%") == .success(.zero))
        #expect(Percentage.parse("50%") == .success(Percentage(numerator: 1, denominator: 2)))
        #expect(Percentage.parse("12.5%") == .success(Percentage(numerator: 1, denominator: 8)))
        #expect(Percentage.parse("33.333%") == .success(Percentage(numerator: 33_333, denominator: 100_000)))
        #expect(Percentage.parse("100.000%") == .success(.full))
        #expect(
            Percentage.parse("0.000000000001%")
                == .success(Percentage(numerator: 1, denominator: 100_000_000_000_000)))
    }

    @Test func outOfRangeAndMalformed() {
        #expect(Percentage.parse("100.0000001%") == .failure(.tooLarge))
        #expect(Percentage.parse("101%") == .failure(.tooLarge))
        #expect(Percentage.parse("99999999999999999999%") == .failure(.tooLarge))
        #expect(Percentage.parse("0.0000000000001%") == .failure(.tooPrecise))
        #expect(Percentage.parse("50") == .failure(.syntax(hint: "write it with a percent sign, as in '50%'")))
        #expect(Percentage.parse("-5%") == .failure(.syntax(hint: "a share cannot be negative")))
        for text in ["", "%", "5 %", "5%%", ".5%", "5.%", "1e2%", "half"] {
            guard case .failure(.syntax) = Percentage.parse(text) else {
                Issue.record("'\(text)' should be a syntax error")
                continue
            }
        }
    }

    @Test func lostPartUsesTheExactShare() {
        let p = try? Percentage.parse("12.5%").get()
        #expect(p?.ceilPart(of: 1000) == 125)
        #expect(p?.ceilPart(of: 1001) == 126)
    }
}

@Suite struct NamesTests {
    @Test func validNames() {
        for name in ["a", "A", "0", "vms50", "web-frontend", "db_primary", "a.b", String(repeating: "x", count: 63)] {
            #expect(Names.isValid(name), "\(name)")
        }
    }

    @Test func invalidNames() {
        #expect(Names.problem(with: "") == "is empty")
        #expect(Names.problem(with: "-a") == "starts with '-'")
        #expect(Names.problem(with: ".a") == "starts with '.'")
        #expect(Names.problem(with: "a b") == "holds a space, which a name may not")
        #expect(Names.problem(with: "a/b") == "holds '/', which a name may not")
        #expect(Names.problem(with: "é") == "starts with 'é'")
        #expect(Names.problem(with: String(repeating: "x", count: 64)) == "is 64 characters long, more than 63")
    }

    @Test func references() {
        #expect(Names.reference("spare")! == (nil, "spare"))
        #expect(Names.reference("rack2/dr")! == ("rack2", "dr"))
        #expect(Names.reference("a/b/c") == nil)
        #expect(Names.reference("/dr") == nil)
        #expect(Names.reference("rack2/") == nil)
        #expect(Names.reference("a b") == nil)
    }

    @Test func suggestions() {
        #expect(Names.suggestion(for: "memroy", among: SpecKeys.job) == "memory")
        #expect(Names.suggestion(for: "Memory", among: SpecKeys.job) == "memory")
        #expect(Names.suggestion(for: "hot-standby", among: SpecKeys.job) == "hot_standby")
        #expect(Names.suggestion(for: "standbyMemory", among: SpecKeys.job) == "standby_memory")
        #expect(Names.suggestion(for: "os", among: SpecKeys.os) == nil)
        #expect(Names.suggestion(for: "colour", among: SpecKeys.job) == nil)
        #expect(Names.editDistance("kitten", "sitting") == 3)
        #expect(Names.editDistance("", "abc") == 3)
        #expect(Names.editDistance("abc", "") == 3)
        #expect(Names.editDistance("abcdef", "uvwxyz", limit: 2) == 3)
    }
}
