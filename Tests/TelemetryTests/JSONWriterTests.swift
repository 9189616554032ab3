import Foundation
import Telemetry
import XCTest

/// The one JSON writer, pinned byte for byte: alert events, exports, API answers and payloads
/// all go through it, so a change here changes stored and published bytes.
final class JSONWriterTests: XCTestCase {
    func testStringsEscapeQuotesBackslashesAndControlCharactersOnly() {
        XCTAssertEqual(JSONWriter.string("plain"), #""plain""#)
        XCTAssertEqual(JSONWriter.string("a\"b\\c"), #""a\"b\\c""#)
        XCTAssertEqual(JSONWriter.string("\n\r\t\u{08}\u{0C}"), #""\n\r\t\b\f""#)
        XCTAssertEqual(JSONWriter.string("\u{00}\u{01}\u{1F}\u{7F}"), #""\u0000\u0001\u001f"# + "\u{7F}\"")
        XCTAssertEqual(JSONWriter.string("gewächshaus/ñ/🌡"), "\"gewächshaus/ñ/🌡\"", "UTF-8 as is, no \\u escapes")
        XCTAssertEqual(JSONWriter.string("</script>"), #""</script>""#)
        XCTAssertEqual(JSONWriter.string(""), #""""#)
    }

    func testNumbersAreTheShortestTextThatReadsBackTheSameDouble() {
        let pinned: [(Double, String)] = [
            (0, "0"), (-0.0, "-0"), (21, "21"), (-7, "-7"), (21.5, "21.5"), (-0.25, "-0.25"), (0.1, "0.1"),
            (0.001, "0.001"), (0.0001, "0.0001"), (1.5e-5, "1.5e-05"), (123.456, "123.456"), (1234.5678, "1234.5678"),
            (999_999_999_999_999, "999999999999999"), (1e15, "1000000000000000.0"), (1e16, "1e+16"), (123_456_789_012.5, "123456789012.5"),
            (.nan, "null"), (.infinity, "null"), (-.infinity, "null"),
        ]
        for (value, text) in pinned {
            XCTAssertEqual(JSONWriter.number(value), text, "\(value)")
        }
        var csv: [UInt8] = []
        JSONWriter.appendShortest(-.infinity, to: &csv)
        XCTAssertEqual(String(decoding: csv, as: UTF8.self), "-inf", "CSV keeps non-finite values")
    }

    func testEveryNumberReadsBackExactlyAndMatchesTheGeneralAlgorithm() throws {
        var generator = SplitMix64(seed: 2026)
        for round in 0..<20_000 {
            let value: Double = switch round % 4 {
            case 0: Double(Int.random(in: -100_000...100_000, using: &generator)) / 1000  // readings: few decimals
            case 1: Double(Int.random(in: -10_000...10_000, using: &generator)) / 10
            case 2: Double.random(in: -1e6...1e6, using: &generator)
            default: Double(bitPattern: generator.next())
            }
            let text = JSONWriter.number(value)
            guard value.isFinite else {
                XCTAssertEqual(text, "null")
                continue
            }
            XCTAssertEqual(Double(text), value, "\(text) reads back as \(value)")
            if value != value.rounded(.towardZero) || Swift.abs(value) >= 1e15 {
                XCTAssertEqual(text, value.description, "the fast path writes what the general algorithm writes")
            }
        }
    }

    func testObjectsSortKeysByUTF8Bytes() {
        var bytes: [UInt8] = []
        JSONWriter.appendObject(["b": "2", "a": "1", "Z": "0", "é": "x", "a\"": "q"], to: &bytes)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), #"{"Z":"0","a":"1","a\"":"q","b":"2","é":"x"}"#)
        bytes = []
        JSONWriter.appendObject([:], to: &bytes)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "{}")
    }

    func testWhatItWritesIsJSONThatFoundationReads() throws {
        var bytes: [UInt8] = []
        JSONWriter.appendObject(["k\u{01}\u{08}": "v\n\"\\🌡"], to: &bytes)
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: String])
        XCTAssertEqual(parsed, ["k\u{01}\u{08}": "v\n\"\\🌡"])
    }
}
