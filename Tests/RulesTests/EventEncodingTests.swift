import Telemetry
import XCTest
@testable import Rules

final class EventEncodingTests: XCTestCase {
    private let raised = AlertRaised(
        id: "0196b1c2-d3e4-7f00-8a00-000000000001", alert: "GreenhouseTooHot", device: "gh-07",
        deviceType: "climate-sensor", labels: ["site": "north"], severity: .critical, value: 31.2,
        message: "gh-07 (north) at 31.2 °C", at: 1_795_428_900_000, pendingSince: 1_795_428_780_000,
        cause: AlertCause(topic: "greenhouse/north/gh-07/climate", at: 1_795_428_900_000))

    func testRaisedJSONHasTheDesignFieldOrder() {
        XCTAssertEqual(raised.json, """
            {"type":"AlertRaised","schema":1,"id":"0196b1c2-d3e4-7f00-8a00-000000000001","alert":"GreenhouseTooHot",\
            "device":"gh-07","deviceType":"climate-sensor","labels":{"site":"north"},"severity":"critical",\
            "value":31.2,"message":"gh-07 (north) at 31.2 °C","at":"2026-11-23T10:15:00Z",\
            "pendingSince":"2026-11-23T10:13:00Z","cause":{"topic":"greenhouse/north/gh-07/climate","at":"2026-11-23T10:15:00Z"}}
            """)
    }

    func testClearedJSONHasTheDesignFieldOrder() {
        let cleared = AlertCleared(id: "c", raisedId: "r", alert: "GreenhouseTooHot", device: "gh-07", severity: .critical,
                                   value: 27.4, at: 1_795_429_440_123, raisedAt: 1_795_428_900_000)
        XCTAssertEqual(cleared.json, """
            {"type":"AlertCleared","schema":1,"id":"c","raisedId":"r","alert":"GreenhouseTooHot","device":"gh-07",\
            "severity":"critical","value":27.4,"at":"2026-11-23T10:24:00.123Z","raisedAt":"2026-11-23T10:15:00Z"}
            """)
    }

    func testAClearStoredBeforeClearsCarriedASeverityStillDecodes() throws {
        let old = #"{"type":"AlertCleared","schema":1,"id":"c","raisedId":"r","alert":"A","device":"d","value":1,"at":"2026-11-23T10:15:00Z","raisedAt":"2026-11-23T10:15:00Z"}"#
        guard case .cleared(let cleared) = try AlertEvent(json: old) else { return XCTFail("not a clear") }
        XCTAssertNil(cleared.severity)
        XCTAssertFalse(cleared.json.contains("severity"))
    }

    func testEventsRoundTripThroughJSON() throws {
        var withExtras = raised
        withExtras.annotations = ["runbook": "line \"1\"\nline 2"]
        withExtras.value = nil
        withExtras.cause.topic = nil
        for event in [AlertEvent.raised(raised), .raised(withExtras),
                      .cleared(AlertCleared(id: "c", raisedId: "r", alert: "A", device: "d", severity: .warning, value: 35, at: -1, raisedAt: 0))] {
            XCTAssertEqual(try AlertEvent(json: event.json), event)
        }
        XCTAssertTrue(withExtras.json.hasSuffix(#""cause":{"at":"2026-11-23T10:15:00Z"},"annotations":{"runbook":"line \"1\"\nline 2"}}"#))
        XCTAssertThrowsError(try AlertEvent(json: #"{"type":"AlertRaised","schema":2}"#))
    }

    func testTimestampsFormatAndParse() {
        XCTAssertEqual(EventTimestamp.format(0), "1970-01-01T00:00:00Z")
        XCTAssertEqual(EventTimestamp.format(-1), "1969-12-31T23:59:59.999Z")
        XCTAssertEqual(EventTimestamp.format(951_782_400_005), "2000-02-29T00:00:00.005Z")
        var random = SplitMix64(seed: 7)
        for _ in 0..<1000 {
            let ms = Int64.random(in: -10_000_000_000_000...10_000_000_000_000, using: &random)
            XCTAssertEqual(EventTimestamp.parse(EventTimestamp.format(ms)), ms)
        }
        XCTAssertEqual(EventTimestamp.parse("2026-11-23T10:15:00.5+00:00"), 1_795_428_900_500)
        XCTAssertEqual(EventTimestamp.parse("2026-11-23 10:15:00Z"), 1_795_428_900_000, "RFC 3339 allows a space")
        XCTAssertNil(EventTimestamp.parse("2026-11-23T25:15:00Z"))
        XCTAssertNil(EventTimestamp.parse("yesterday"))
    }

    func testUUIDv7IdsAreTimeOrderedUniqueAndVersioned() {
        var generator = UUIDv7Generator(seed: 1)
        var ids: [String] = []
        for time in [Int64(1_795_428_900_000), 1_795_428_900_000, 1_795_428_900_001, 1_795_429_000_000] {
            ids.append(generator.next(at: time))
        }
        XCTAssertEqual(ids, ids.sorted())
        XCTAssertEqual(Set(ids).count, ids.count)
        for id in ids {
            let chars = Array(id)
            XCTAssertEqual(chars.count, 36)
            XCTAssertEqual(chars[14], "7")
            XCTAssertTrue("89ab".contains(chars[19]))
        }
        XCTAssertTrue(ids[0].hasPrefix("01a207e6-dca0-7"), ids[0])
        XCTAssertEqual(ids[0], "01a207e6-dca0-74c1-beeb-8da1658eec67", "seeded ids are pinned: replays and their reports stay comparable across versions")
        var again = UUIDv7Generator(seed: 1)
        XCTAssertEqual(again.next(at: 1_795_428_900_000), ids[0])
    }

    func testMessageNumbersAreShort() {
        XCTAssertEqual(ValueFormat.message(31.2000000001), "31.2")
        XCTAssertEqual(ValueFormat.message(35), "35")
        XCTAssertEqual(ValueFormat.message(0.012345), "0.0123")
        XCTAssertEqual(ValueFormat.message(-2.555), "-2.56")
        XCTAssertEqual(JSONWriter.number(.nan), "null")
        XCTAssertEqual(JSONWriter.number(27.4), "27.4")
    }
}
