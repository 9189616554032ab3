import Telemetry
import XCTest

final class DurationParserTests: XCTestCase {
    func testParsesUnitsAndCompounds() {
        XCTAssertEqual(DurationParser.milliseconds("250ms"), 250)
        XCTAssertEqual(DurationParser.milliseconds("30s"), 30_000)
        XCTAssertEqual(DurationParser.milliseconds("5m"), 300_000)
        XCTAssertEqual(DurationParser.milliseconds("1h"), 3_600_000)
        XCTAssertEqual(DurationParser.milliseconds("7d"), 604_800_000)
        XCTAssertEqual(DurationParser.milliseconds("1w"), 604_800_000)
        XCTAssertEqual(DurationParser.milliseconds("1h30m"), 5_400_000)
        XCTAssertEqual(DurationParser.milliseconds("1.5s"), 1_500)
        XCTAssertEqual(DurationParser.milliseconds("0s"), 0)
    }

    func testRejectsNonDurations() {
        for text in ["", "30", "s", "5x", "-5m", "1h 30m", "5 m", "1..5s", "m5", "9999999999999999d"] {
            XCTAssertNil(DurationParser.milliseconds(text), text)
        }
    }

    func testFormatReadsBack() {
        for milliseconds: Int64 in [0, 250, 30_000, 90_000, 5_400_000, 86_400_000 + 1] {
            let text = DurationParser.format(milliseconds: milliseconds)
            XCTAssertEqual(DurationParser.milliseconds(text), milliseconds, text)
        }
        XCTAssertEqual(DurationParser.format(milliseconds: 5_400_000), "1h30m")
    }
}
