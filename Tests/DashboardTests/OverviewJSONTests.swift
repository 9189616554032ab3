@testable import Dashboard
import Foundation
import XCTest

/// The overview's byte-level JSON writer: numbers read back exactly, strings and times escaped.
final class OverviewJSONTests: XCTestCase {
    private func text(_ body: (inout JSONBytes) -> Void) -> String {
        var json = JSONBytes()
        body(&json)
        return String(decoding: json.bytes, as: UTF8.self)
    }

    func testNumbersReadBackAsTheSameDouble() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 1, -1, 2.5, -0.5, 0.05, 0.1, 0.2, 0.3, 1.005, 23.45, -17.125, 3.3, 1e14, 1e15, 1e16, 123456789.123,
                                0.1 + 0.2, 26.5, 1e-7, -2.675, Double.ulpOfOne, .greatestFiniteMagnitude, -.leastNonzeroMagnitude]
        values += (0..<2_000).map { _ in Double(Int.random(in: -1_000_000...1_000_000, using: &generator)) / [1, 10, 100, 1000, 3, 7][Int.random(in: 0...5, using: &generator)] }
        for value in values {
            let written = text { $0.number(value) }
            // Double(String) parses correctly rounded, as JavaScript does (Foundation's JSON parser
            // on Linux is off by an ulp on long fractions whoever wrote them, so it is no judge here).
            XCTAssertEqual(Double(written), value, "\(value) written as \(written)")
        }
        XCTAssertEqual(text { $0.number(2.5) }, "2.5")
        XCTAssertEqual(text { $0.number(59) }, "59")
        XCTAssertEqual(text { $0.number(-0.05) }, "-0.05")
        XCTAssertEqual(text { $0.number(.infinity) }, "null")
        XCTAssertEqual(text { $0.number(.nan) }, "null")
        XCTAssertEqual(text { $0.number(nil) }, "null")
        XCTAssertEqual(text { $0.integer(-120) }, "-120")
    }

    func testStringsObjectsAndTimes() throws {
        let written = text {
            $0.byte("[")
            $0.string("a\"b\\c\nd\u{01}é")
            $0.byte(",")
            $0.object(["z": "1", "a": "2"])
            $0.byte(",")
            $0.time(0)
            $0.byte(",")
            $0.time(nil)
            $0.byte("]")
        }
        XCTAssertEqual(written, #"["a\"b\\c\nd\u0001é",{"a":"2","z":"1"},"1970-01-01T00:00:00.000Z",null]"#)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(written.utf8)))
    }
}
