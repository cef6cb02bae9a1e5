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

    @Test func roundTripsThroughTheIndependentParser() {
        let fields = ["", ",", "\"", "\"\"", "\r\n", "\n", "a b", "é,ü", "x\"y,z\r"]
        var out = ""
        var writer = CSVWriter()
        for field in fields { writer.row([field, field], to: &out) }
        #expect(RenderFixtures.parseCSV(out) == fields.map { [$0, $0] })
    }
}
