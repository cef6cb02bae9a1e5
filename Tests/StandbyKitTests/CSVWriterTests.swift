import Testing

@testable import StandbyKit

@Suite struct CSVWriterTests {
    @Test func quotesOnlyWhenNeeded() {
        #expect(CSVWriter.escaped("plain") == "plain")
        #expect(CSVWriter.escaped("") == "")
        #expect(CSVWriter.escaped(" spaced ") == " spaced ")
        #expect(CSVWriter.escaped("a,b") == "\"a,b\"")
        #expect(CSVWriter.escaped("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVWriter.escaped("a\nb") == "\"a\nb\"")
        #expect(CSVWriter.escaped("a\rb") == "\"a\rb\"")
        #expect(CSVWriter.escaped("grüße") == "grüße")
    }

    @Test func recordsEndWithCRLF() {
        var writer = CSVWriter()
        var out = ""
        writer.row(["a", "b,c"], to: &out)
        writer.field("x")
        writer.field(-42)
        writer.field("")
        writer.endRow(to: &out)
        #expect(out == "a,\"b,c\"\r\nx,-42,\r\n")
        #expect(RenderFixtures.parseCSV(out) == [["a", "b,c"], ["x", "-42", ""]])
    }

    @Test func joinedFieldsAreQuotedWhenAnyPartNeedsIt() {
        var writer = CSVWriter()
        var out = ""
        writer.field(joining: ["a", "b"], separator: UInt8(ascii: ";"))
        writer.field(joining: [String](), separator: UInt8(ascii: ";"))
        writer.field(joining: ["a", "b,c", "d\"e"], separator: UInt8(ascii: ";"))
        writer.endRow()
        writer.field(text: "x,y")
        writer.endRow()
        writer.flush(to: &out)
        #expect(out == "a;b,,\"a;b,c;d\"\"e\"\r\n\"x,y\"\r\n")
        #expect(RenderFixtures.parseCSV(out) == [["a;b", "", "a;b,c;d\"e"], ["x,y"]])
    }

    @Test func copiesOfAWriterAreIndependent() {
        var first = CSVWriter()
        first.field("a")
        var second = first
        second.field("b")
        first.field("c")
        var out = ""
        first.endRow(to: &out)
        second.endRow(to: &out)
        #expect(out == "a,c\r\na,b\r\n")
    }

    @Test func roundTripsThroughTheIndependentParser() {
        let fields = ["", ",", "\"", "\"\"", "\r\n", "\n", "a b", "é,ü", "x\"y,z\r"]
        var out = ""
        var writer = CSVWriter()
        for field in fields { writer.row([field, field], to: &out) }
        #expect(RenderFixtures.parseCSV(out) == fields.map { [$0, $0] })
    }
}
