import Testing

@testable import StandbyKit

/// The decoder reads sizes, names and references straight from a scalar's
/// bytes; each byte reading answers as the `String` one it stands in for.
@Suite struct ByteParsingTests {
    static func bytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var text = text
        return text.withUTF8(body)
    }

    static let sizes: [String] = {
        var texts = ["0", "7", "007", "64Mi", "4096", "1.5Gi", "12", "-1", "+1", "1 Mi", "Mi", "", "1e6", "64mi",
            "1KiB", "1kB", "1K", "1Ki ", "9223372036854775807", "9223372036854775808", "999999999999999999",
            "1000000000000000000", "99999999999999999999", "8Ei", "7Ei", "8191Pi", "8192Pi", "18Mi.", "0x10"]
        for suffix in Quantity.suffixes.map(\.suffix) { texts += ["1\(suffix)", "123456789012345678\(suffix)"] }
        return texts
    }()

    @Test(arguments: ByteParsingTests.sizes)
    func aWholeSizeIsWhatTheFullParserSays(text: String) {
        let whole = Self.bytes(text, Quantity.parseWhole(bytes:))
        let full = Quantity.parse(text)
        if let whole {
            #expect(full == .success(whole), "\(text)")
        } else if case .success = full {
            // Only forms the fast reading leaves to the full parser: fractions, 19 digits and more.
            #expect(text.contains(".") || text.prefix(while: \.isNumber).count > 18, "\(text)")
        }
    }

    static let names = ["vms50", "a0-j1", "a", "A.b_c-d", "-a", ".a", "_a", "a b", "a/b", "", "é", "ab\u{301}",
        String(repeating: "x", count: 63), String(repeating: "x", count: 64), "a\0b", "rack2/dr", "a/b/c", "/dr",
        "dr/", "m1/sb0", "m1/-x", "a-/b."]

    @Test(arguments: ByteParsingTests.names)
    func namesAndReferencesReadAsBytesAsAsStrings(text: String) {
        #expect(Self.bytes(text, Names.isValidName) == Names.isValid(text), "\(text)")
        let bytes = Self.bytes(text, Names.reference(bytes:))
        let string = Names.reference(text)
        #expect(bytes?.machine == string?.machine && bytes?.os == string?.os, "\(text)")
        #expect(Self.bytes(text, Names.string) == text)
    }
}
