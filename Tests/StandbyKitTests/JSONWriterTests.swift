import Foundation
import Testing

@testable import StandbyKit

@Suite struct JSONWriterTests {
    private func written(_ build: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        build(&writer)
        var out = ""
        writer.flush(to: &out)
        return out
    }

    @Test func escapesQuotesAndBackslashes() {
        #expect(JSONWriter.quoted(#"say "hi""#) == #""say \"hi\"""#)
        #expect(JSONWriter.quoted(#"C:\dir\"#) == #""C:\\dir\\""#)
        #expect(JSONWriter.quoted("a/b") == #""a/b""#)
        #expect(JSONWriter.quoted("") == #""""#)
    }

    @Test func escapesEveryControlCharacter() {
        let short: [UInt8: String] = [0x08: #"\b"#, 0x09: #"\t"#, 0x0A: #"\n"#, 0x0C: #"\f"#, 0x0D: #"\r"#]
        for byte in UInt8(0)..<0x20 {
            let text = String(decoding: [UInt8(ascii: "x"), byte, UInt8(ascii: "y")], as: UTF8.self)
            let hex = String(byte, radix: 16)
            let escape = short[byte] ?? "\\u00" + (hex.count == 1 ? "0" + hex : hex)
            #expect(JSONWriter.quoted(text) == "\"x\(escape)y\"", "byte \(byte)")
        }
        #expect(JSONWriter.quoted("\u{7F}") == "\"\u{7F}\"")
        #expect(JSONWriter.quoted("\u{1F}\u{0}") == #""\u001f\u0000""#)
    }

    @Test func keepsNonASCIIAsUTF8() {
        #expect(JSONWriter.quoted("grüße") == "\"grüße\"")
        #expect(JSONWriter.quoted("日本\u{2028}🙂e\u{301}") == "\"日本\u{2028}🙂e\u{301}\"")
        #expect(JSONWriter.quoted("é\"ü") == "\"é\\\"ü\"")
    }

    /// Whatever goes in comes back out of an independent JSON parser.
    @Test func roundTripsThroughFoundation() throws {
        var scalars = (0..<0x80).compactMap(Unicode.Scalar.init)
        scalars += ["é", "€", "😀", "\u{FEFF}", "\u{2029}"]
        let text = String(String.UnicodeScalarView(scalars))
        let json = written { w in
            w.beginArray()
            w.string(text)
            w.endArray()
        }
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]
        #expect(parsed == [text])
    }

    @Test func prettyPrintsWithTwoSpacesAndOneTrailingNewline() {
        let json = written { w in
            w.beginObject()
            w.field("a", 1)
            w.key("b")
            w.beginArray()
            w.int(-2)
            w.bool(true)
            w.null()
            w.beginObject()
            w.endObject()
            w.beginArray()
            w.endArray()
            w.beginObject()
            w.field("x", "y")
            w.endObject()
            w.endArray()
            w.field("c", false)
            w.endObject()
        }
        #expect(
            json == """
                {
                  "a": 1,
                  "b": [
                    -2,
                    true,
                    null,
                    {},
                    [],
                    {
                      "x": "y"
                    }
                  ],
                  "c": false
                }

                """)
    }

    @Test func flushesInPiecesWithTheSameResult() {
        var writer = JSONWriter()
        var out = ""
        writer.beginArray()
        for i in 0..<3 {
            writer.int(i)
            writer.flush(to: &out)
            #expect(writer.buffer.isEmpty)
        }
        writer.endArray()
        #expect(writer.isComplete)
        writer.flush(to: &out)
        #expect(out == "[\n  0,\n  1,\n  2\n]\n")
    }

    @Test func topLevelScalarEndsWithNewline() {
        #expect(written { $0.string("x") } == "\"x\"\n")
        #expect(written { $0.int(Int.min) } == "-9223372036854775808\n")
    }

    /// The bytes of a JSON string literal, scalar by scalar: the reference the
    /// writer's word-at-a-time scan must agree with.
    private func referenceQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{8}": out += "\\b"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\u{C}": out += "\\f"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u00" + (hex.count == 1 ? "0" + hex : hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    @Test func escapesAnyByteAtAnyPlaceInLongStrings() {
        for length in 1...26 {
            for special in ["\"", "\\", "\n", "\u{1}", "\u{1F}", ",", "é"] {
                for at in 0..<length {
                    var text = String(repeating: "a", count: length)
                    text.replaceSubrange(text.index(text.startIndex, offsetBy: at)...text.index(text.startIndex, offsetBy: at), with: special)
                    #expect(JSONWriter.quoted(text) == referenceQuoted(text), "\(length) \(at)")
                }
            }
        }
    }

    @Test func plainTextIsTextWithNothingToEscapeOrQuote() {
        for text in ["", "a", "a0-j12", "long-name.with_dots-and-more", "grüße über alles"] {
            #expect(Array(text.utf8).withUnsafeBufferPointer(isPlainText), "\(text)")
        }
        for text in ["a,b", "a\"b", "a\\b", "a\nb", "a\rb", "a\u{0}b", "long-name-with-a-comma,-late", "long-name-ending-in\u{1F}"] {
            #expect(!Array(text.utf8).withUnsafeBufferPointer(isPlainText), "\(text)")
        }
    }

    @Test func objectMembersWriteWhatTheGeneralWriterWrites() {
        let general = written { w in
            w.beginArray()
            w.beginObject()
            w.field("k1", 1)
            w.field("k2", "x\"y")
            w.key("k3")
            w.null()
            w.key("k4")
            w.beginArray()
            w.string("a")
            w.string("b,c")
            w.endArray()
            w.key("k5")
            w.beginArray()
            w.endArray()
            w.key("k6")
            w.beginArray()
            w.beginObject()
            w.field("z", true)
            w.endObject()
            w.beginObject()
            w.endObject()
            w.endArray()
            w.field("k7", -123_456_789_012)
            w.field("k8", Int.min)
            w.endObject()
            w.beginObject()
            w.endObject()
            w.endArray()
        }
        let members = written { w in
            w.beginArray()
            w.object { o in
                o.field(JSONWriter.StaticKey.make("k1"), 1)
                o.field(JSONWriter.StaticKey.make("k2", depth: 2), "x\"y")
                o.field(JSONWriter.StaticKey.make("k3", depth: 5), orNull: String?.none)
                o.strings(JSONWriter.StaticKey.make("k4", depth: 2), ["a", "b,c"])
                o.strings(JSONWriter.StaticKey.make("k5"), [String]())
                o.objects(JSONWriter.StaticKey.make("k6"), [true, false]) { o, member in
                    if member { o.field(JSONWriter.StaticKey.make("z"), true) }
                }
                o.field(JSONWriter.StaticKey.make("k7", depth: 2), -123_456_789_012)
                o.field(JSONWriter.StaticKey.make("k8"), orNull: Int.min)
            }
            w.object { _ in }
            w.endArray()
        }
        #expect(members == general)
    }

    @Test func integersAreWrittenAsSwiftWritesThem() {
        var values = [0, 1, 9, 10, 99, 100, 101, 999, Int.max, Int.min, Int.min + 1, -1, -9, -10, -100]
        var power = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1, -power, -(power - 1), 9 * power]
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 { values.append(Int.random(in: Int.min...Int.max, using: &rng) >> Int.random(in: 0...63, using: &rng)) }
        for value in values {
            let written = written { $0.int(value) }
            #expect(written == "\(value)\n", "\(value)")
        }
    }

    @Test func fixedDecimals() {
        #expect(JSONWriter.fixedPoint(385, decimals: 1) == "38.5")
        #expect(JSONWriter.fixedPoint(5, decimals: 2) == "0.05")
        #expect(JSONWriter.fixedPoint(-5, decimals: 2) == "-0.05")
        #expect(JSONWriter.fixedPoint(3850, decimals: 2) == "38.50")
        #expect(JSONWriter.fixedPoint(0, decimals: 1) == "0.0")
        #expect(JSONWriter.fixedPoint(42, decimals: 0) == "42")
        #expect(JSONWriter.fixedPoint(Int.min, decimals: 3) == "-9223372036854775.808")
        #expect(written { $0.number(38.4615, decimals: 1) } == "38.5\n")
        #expect(written { $0.number(38.45, decimals: 1) } == "38.5\n")  // 38.45 is 38.4500000000000028…
        #expect(written { $0.number(0.125, decimals: 2) } == "0.13\n")  // exact tie, away from zero
        #expect(written { $0.number(-0.125, decimals: 2) } == "-0.13\n")
        #expect(written { $0.number(100, decimals: 1) } == "100.0\n")
        #expect(written { $0.number(.nan, decimals: 1) } == "null\n")
        #expect(written { $0.number(.infinity, decimals: 1) } == "null\n")
        #expect(written { $0.number(1e300, decimals: 1) } == "1e+300\n")
    }
}
