import Telemetry
import XCTest

final class TimestampTests: XCTestCase {
    private func timestamp(_ json: String) throws -> Int64? {
        let decoder = try decoder(["c.yaml": climateYAML])
        let result = decoder.decode(message("greenhouse/s/d/climate", #"{"ts": \#(json), "temp": 20, "hum": 50}"#))
        return result.deadLetter == nil ? result.readings.first?.timestamp : nil
    }

    func testNumericTimestampsByMagnitude() throws {
        XCTAssertEqual(try timestamp("1763892900"), 1_763_892_900_000, "seconds")
        XCTAssertEqual(try timestamp("1763892900.25"), 1_763_892_900_250, "fractional seconds")
        XCTAssertEqual(try timestamp("1763892900123"), 1_763_892_900_123, "milliseconds")
        XCTAssertEqual(try timestamp("1763892900123456"), 1_763_892_900_123, "microseconds")
        XCTAssertEqual(try timestamp("1763892900123456789"), 1_763_892_900_123, "nanoseconds")
        XCTAssertEqual(try timestamp("\"1763892900\""), 1_763_892_900_000, "numeric string")
    }

    func testISO8601Timestamps() throws {
        XCTAssertEqual(try timestamp(#""2025-11-23T10:15:00Z""#), 1_763_892_900_000 + 0)
        XCTAssertEqual(try timestamp(#""2025-11-23T10:15:00.123Z""#), 1_763_892_900_123)
        XCTAssertEqual(try timestamp(#""2025-11-23T10:15:00.1234567Z""#), 1_763_892_900_123)
        XCTAssertEqual(try timestamp(#""2025-11-23T11:15:00+01:00""#), 1_763_892_900_000)
        XCTAssertEqual(try timestamp(#""2025-11-23T05:45:00.5-0430""#), 1_763_892_900_500)
        XCTAssertEqual(try timestamp(#""2025-11-23 10:15:00z""#), 1_763_892_900_000)
        XCTAssertEqual(try timestamp(#""2025-11-23T10:15:00""#), 1_763_892_900_000, "no zone: UTC")
        XCTAssertEqual(try timestamp(#""2024-02-29T00:00:00Z""#), 1_709_164_800_000, "leap day")
        XCTAssertEqual(try timestamp(#""1970-01-01T00:00:00Z""#), 0)
    }

    func testAbsentOrNullTimestampMeansReceiveTime() throws {
        XCTAssertEqual(try timestamp("null"), receivedAt)
        let decoder = try decoder(["c.yaml": climateYAML])
        XCTAssertEqual(decoder.decode(message("greenhouse/s/d/climate", #"{"temp": 20, "hum": 50}"#)).readings.first?.timestamp, receivedAt)
    }

    func testInvalidTimestampDeadLettersTheWholeMessage() throws {
        let decoder = try decoder(["c.yaml": climateYAML])
        for (json, found) in [(#""yesterday""#, "\"yesterday\""), (#""2026-13-01T00:00:00Z""#, "\"2026-13-01T00:00:00Z\""),
                              (#""2026-02-30T00:00:00Z""#, "\"2026-02-30T00:00:00Z\""), ("true", "true"), ("{}", "an object"),
                              ("1e30", "1e30"), (#""2025-11-23T10:15:00+25:00""#, "\"2025-11-23T10:15:00+25:00\"")] {
            let result = decoder.decode(message("greenhouse/s/d/climate", #"{"ts": \#(json), "temp": 20, "hum": 50}"#))
            XCTAssertEqual(result.readings, [], json)
            XCTAssertEqual(result.reasons, [.invalidTimestamp(field: "ts", found: found)], json)
        }
    }

    func testParserHelpers() {
        XCTAssertEqual(TimestampParser.milliseconds(text: "2025-11-23T10:15:00Z"), 1_763_892_900_000)
        XCTAssertEqual(TimestampParser.milliseconds(epoch: 1_763_892_900), 1_763_892_900_000)
        XCTAssertNil(TimestampParser.milliseconds(epoch: .infinity))
        XCTAssertEqual(TimestampParser.iso8601(milliseconds: 1_763_892_900_000), "2025-11-23T10:15:00Z")
        XCTAssertEqual(TimestampParser.iso8601(milliseconds: 1_763_892_900_123), "2025-11-23T10:15:00.123Z")
        XCTAssertEqual(TimestampParser.iso8601(milliseconds: -1), "1969-12-31T23:59:59.999Z")
        for milliseconds: Int64 in [0, 951_782_400_000, 1_709_164_800_123, 4_102_444_800_000] {
            XCTAssertEqual(TimestampParser.milliseconds(text: TimestampParser.iso8601(milliseconds: milliseconds)), milliseconds)
        }
    }
}
