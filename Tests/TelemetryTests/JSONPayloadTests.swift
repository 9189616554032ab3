import Telemetry
import XCTest

final class JSONPayloadTests: XCTestCase {
    func testReadsMetricsAtTheirPaths() throws {
        let decoder = try decoder(["c.yaml": climateYAML])
        let result = decoder.decode(message("greenhouse/north/gh-07/climate", #"{"ts": 1763892900, "seq": 42, "temp": 21.5, "hum": 63, "power": {"battery": 3.01}}"#))
        XCTAssertNil(result.deadLetter)
        XCTAssertEqual(result.device, Device(id: "gh-07", type: "climate-sensor", labels: ["site": "north"]))
        XCTAssertEqual(result.sequence, 42)
        XCTAssertEqual(result.readings, [
            Reading(device: "gh-07", metric: "temperature", timestamp: 1_763_892_900_000, value: 21.5),
            Reading(device: "gh-07", metric: "humidity", timestamp: 1_763_892_900_000, value: 63),
            Reading(device: "gh-07", metric: "battery", timestamp: 1_763_892_900_000, value: 3.01),
        ])
    }

    func testKeyOrderWhitespaceAndUnwantedFieldsDoNotMatter() throws {
        let decoder = try decoder(["c.yaml": climateYAML])
        let payload = """
            {
              "extra": {"nested": [1, 2, {"deep": "x"}], "temp": 99},
              "power": {"voltage": 5, "battery": 2.9},
              "hum" : 40 , "temp":-3.25e0
            }
            """
        let result = decoder.decode(message("greenhouse/s/d/climate", payload))
        XCTAssertNil(result.deadLetter)
        XCTAssertEqual(result.values, ["temperature": -3.25, "humidity": 40, "battery": 2.9])
        XCTAssertEqual(result.readings.first?.timestamp, receivedAt, "no timestamp field: receive time")
        XCTAssertNil(result.sequence)
    }

    func testArrayIndexPaths() throws {
        let decoder = try decoder(["a.yaml": """
            type: arr
            topic: arr/{device}
            metrics:
              first: { path: values.0 }
              third: { path: values.2.v }
            """])
        let result = decoder.decode(message("arr/d1", #"{"values": [1.5, "skip", {"v": 7}]}"#))
        XCTAssertNil(result.deadLetter)
        XCTAssertEqual(result.values, ["first": 1.5, "third": 7])
    }

    func testBooleansAndMappedStrings() throws {
        let decoder = try decoder(["a.yaml": """
            type: plug
            topic: plug/{device}
            metrics:
              contact: {}
              state: { map: { "ON": 1, "OFF": 0 } }
            """])
        var result = decoder.decode(message("plug/p1", #"{"contact": true, "state": "OFF"}"#))
        XCTAssertNil(result.deadLetter)
        XCTAssertEqual(result.values, ["contact": 1, "state": 0])

        result = decoder.decode(message("plug/p1", #"{"contact": false, "state": "O\u004e"}"#))
        XCTAssertEqual(result.values, ["contact": 0, "state": 1], "escaped strings are decoded before the map lookup")

        result = decoder.decode(message("plug/p1", #"{"contact": false, "state": "BROKEN"}"#))
        XCTAssertEqual(result.values, ["contact": 0])
        XCTAssertEqual(result.reasons, [.notANumber(metric: "state", found: "\"BROKEN\"")])
    }

    func testOptionalMetricsMaySkipButRequiredOnesMayNot() throws {
        let decoder = try decoder(["c.yaml": climateYAML])
        var result = decoder.decode(message("greenhouse/s/d/climate", #"{"temp": 20, "hum": 50}"#))
        XCTAssertNil(result.deadLetter)
        XCTAssertEqual(result.readings.count, 2)

        result = decoder.decode(message("greenhouse/s/d/climate", #"{"temp": 20, "hum": null}"#))
        XCTAssertEqual(result.values, ["temperature": 20])
        XCTAssertEqual(result.reasons, [.missingMetric(metric: "humidity", path: "hum")])
    }

    func testPartlyBadMessageKeepsGoodReadingsAndListsEveryReason() throws {
        let decoder = try decoder(["c.yaml": climateYAML])
        let result = decoder.decode(message("greenhouse/s/d/climate", #"{"temp": 120, "power": {"battery": "low"}}"#))
        XCTAssertEqual(result.readings, [])
        XCTAssertEqual(result.reasons, [
            .outOfRange(metric: "temperature", value: 120, min: -40, max: 85),
            .missingMetric(metric: "humidity", path: "hum"),
            .notANumber(metric: "battery", found: "\"low\""),
        ])

        let partial = decoder.decode(message("greenhouse/s/d/climate", #"{"temp": 20, "hum": 101}"#))
        XCTAssertEqual(partial.values, ["temperature": 20])
        XCTAssertEqual(partial.reasons, [.outOfRange(metric: "humidity", value: 101, min: 0, max: 100)])
    }

    func testEscapedKeysAndUnicodeStrings() throws {
        let decoder = try decoder(["c.yaml": climateYAML])
        let result = decoder.decode(message("greenhouse/s/d/climate", #"{"te\u006dp": 1, "h\"um": 2, "hum": 3, "note": "€ 😀 \ud83d\ude00"}"#))
        XCTAssertNil(result.deadLetter)
        XCTAssertEqual(result.values, ["temperature": 1, "humidity": 3])
    }

    func testNumbersAreParsedExactly() throws {
        let decoder = try decoder(["a.yaml": "type: n\ntopic: n/{device}\nmetrics: { x: {} }\n"])
        let cases: [(String, Double)] = [
            ("0", 0), ("-0", -0.0), ("21.5", 21.5), ("0.1", 0.1), ("1e3", 1000), ("1E-2", 0.01), ("-12.75e+1", -127.5),
            ("123456789012345678901234567890", 123456789012345678901234567890.0), ("0.30000000000000004", 0.30000000000000004),
            ("2.2250738585072014e-308", 2.2250738585072014e-308), ("9007199254740993", 9007199254740993.0),
            ("1.7976931348623157e308", 1.7976931348623157e308), ("0.000001234", 0.000001234),
        ]
        for (text, expected) in cases {
            let result = decoder.decode(message("n/d", #"{"x": \#(text)}"#))
            XCTAssertEqual(result.readings.first?.value, expected, text)
            XCTAssertEqual(result.readings.first?.value.sign, expected.sign, text)
        }
    }

    func testMalformedJSONReportsOffsetAndExpectation() throws {
        let decoder = try decoder(["c.yaml": climateYAML])
        func reason(_ payload: String) -> DeadLetterReason? {
            let result = decoder.decode(message("greenhouse/s/d/climate", payload))
            XCTAssertEqual(result.readings, [], payload)
            return result.reasons.first
        }
        XCTAssertEqual(reason(#"{"temp": 1 "hum": 2}"#), .malformedJSON(offset: 11, message: "expected ',' or '}'"))
        XCTAssertEqual(reason(#"{"temp" 1}"#), .malformedJSON(offset: 8, message: "expected ':'"))
        XCTAssertEqual(reason(#"{"temp": [1, 2}"#), .malformedJSON(offset: 14, message: "expected ',' or ']'"))
        XCTAssertEqual(reason(#"{"temp": 01}"#), .malformedJSON(offset: 10, message: "expected ',' or '}'"))
        XCTAssertEqual(reason(#"{"temp": 1.}"#), .malformedJSON(offset: 11, message: "invalid number"))
        XCTAssertEqual(reason(#"{"temp": tru}"#), .malformedJSON(offset: 12, message: "invalid literal, expected 'true'"))
        XCTAssertEqual(reason(#"{"temp": "a\qb"}"#), .malformedJSON(offset: 11, message: "invalid escape sequence"))
        XCTAssertEqual(reason(#"{temp: 1}"#), .malformedJSON(offset: 1, message: "expected a string key"))
        XCTAssertEqual(reason(#"{"temp": 1}x"#), .malformedJSON(offset: 11, message: "unexpected data after the JSON value"))
        XCTAssertEqual(reason(#"{"temp": 1,}"#), .malformedJSON(offset: 11, message: "expected a string key"))
        XCTAssertEqual(reason(#"{"temp": "abc"#), .malformedJSON(offset: 13, message: "unterminated string"))
        XCTAssertEqual(reason(""), .malformedJSON(offset: 0, message: "unexpected end of input, expected a value"))
        XCTAssertEqual(reason("{\"temp\": \"a\u{1}b\"}"), .malformedJSON(offset: 11, message: "control character in string"))
    }

    func testNestingDeeperThanTheLimitIsMalformed() throws {
        let decoder = try decoder(["c.yaml": climateYAML])
        let deep = String(repeating: "[", count: 1_000)
        let result = decoder.decode(message("greenhouse/s/d/climate", #"{"temp": \#(deep)"#))
        XCTAssertEqual(result.reasons, [.malformedJSON(offset: 72, message: "nesting deeper than 64 levels")])
    }

    func testTopLevelMustBeAnObject() throws {
        let decoder = try decoder(["c.yaml": climateYAML])
        XCTAssertEqual(decoder.decode(message("greenhouse/s/d/climate", "[1, 2]")).reasons,
                       [.unexpectedShape(message: "expected a JSON object, found an array")])
        XCTAssertEqual(decoder.decode(message("greenhouse/s/d/climate", " 21.5 ")).reasons,
                       [.unexpectedShape(message: "expected a JSON object, found a number")])
    }

    func testObjectWithOnlyAbsentOptionalMetricsHasNoReadings() throws {
        let decoder = try decoder(["a.yaml": "type: z\ntopic: z/{device}\nmetrics: { a: { optional: true } }\n"])
        let result = decoder.decode(message("z/d", #"{"linkquality": 3}"#))
        XCTAssertEqual(result.readings, [])
        XCTAssertEqual(result.reasons, [.unexpectedShape(message: "no readings in payload")])
    }

    func testSequenceIsReadExactly() throws {
        let decoder = try decoder(["c.yaml": climateYAML])
        XCTAssertEqual(decoder.decode(message("greenhouse/s/d/climate", #"{"seq": 900719925474099312, "temp": 1, "hum": 1}"#)).sequence, 900_719_925_474_099_312)
        XCTAssertEqual(decoder.decode(message("greenhouse/s/d/climate", #"{"seq": 7e2, "temp": 1, "hum": 1}"#)).sequence, 700)
        XCTAssertNil(decoder.decode(message("greenhouse/s/d/climate", #"{"seq": "x", "temp": 1, "hum": 1}"#)).sequence)
        XCTAssertNil(decoder.decode(message("greenhouse/s/d/climate", #"{"seq": 1.5, "temp": 1, "hum": 1}"#)).sequence)
    }
}
