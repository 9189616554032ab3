import Telemetry
import XCTest

final class SenMLPayloadTests: XCTestCase {
    private let yaml = """
        type: meter
        topic: energy/{site}/{device}/senml
        format: senml
        metrics:
          power: { unit: W, min: 0 }
          energy: { unit: kWh }
          relay: { map: { "closed": 1, "open": 0 } }
          voltage: { path: "urn:dev:mac:0024befffe804ff1:voltage", unit: V }
          door: {}
        """

    private func decode(_ payload: String, at time: Int64 = receivedAt) throws -> DecodedMessage {
        try decoder(["m.yaml": yaml]).decode(message("energy/north/m1/senml", payload, at: time))
    }

    func testBaseNameBaseTimeAndUnits() throws {
        let result = try decode(#"[{"bn":"m1:","bt":1763892900,"bu":"W","n":"power","v":1250.5},{"n":"energy","u":"kWh","v":18234.25,"t":1.5}]"#)
        XCTAssertNil(result.deadLetter)
        XCTAssertEqual(result.device, Device(id: "m1", type: "meter", labels: ["site": "north"]))
        XCTAssertEqual(result.readings, [
            Reading(device: "m1", metric: "power", timestamp: 1_763_892_900_000, value: 1250.5),
            Reading(device: "m1", metric: "energy", timestamp: 1_763_892_901_500, value: 18234.25),
        ])
    }

    func testRelativeTimesAreFromReceiveTime() throws {
        let result = try decode(#"[{"n":"power","v":1,"t":-60},{"n":"power","v":2},{"bt":-10,"n":"power","v":3,"t":5}]"#)
        XCTAssertNil(result.deadLetter)
        XCTAssertEqual(result.readings.map(\.timestamp), [receivedAt - 60_000, receivedAt, receivedAt - 5_000])
    }

    func testFractionalAbsoluteTimes() throws {
        let result = try decode(#"[{"bt":1763892900.123,"n":"power","v":1},{"n":"power","v":2,"t":0.25}]"#)
        XCTAssertEqual(result.readings.map(\.timestamp), [1_763_892_900_123, 1_763_892_900_373])
    }

    func testNameResolution() throws {
        let result = try decode(#"""
            [{"bn":"urn:dev:mac:0024befffe804ff1:","n":"voltage","v":230.5},
             {"bn":"m1/","n":"power","v":5},
             {"bn":"","n":"meter/energy","v":7}]
            """#)
        XCTAssertNil(result.deadLetter)
        XCTAssertEqual(result.values, ["voltage": 230.5, "power": 5, "energy": 7])
    }

    func testBooleanStringAndSumValues() throws {
        let result = try decode(#"[{"n":"door","vb":true},{"n":"relay","vs":"open"},{"n":"energy","s":42.5}]"#)
        XCTAssertNil(result.deadLetter)
        XCTAssertEqual(result.values, ["door": 1, "relay": 0, "energy": 42.5])
    }

    func testBaseFieldsOnlyRecordYieldsNothingButIsNoError() throws {
        let result = try decode(#"[{"bn":"m1:","bt":1763892900},{"n":"power","v":3}]"#)
        XCTAssertNil(result.deadLetter)
        XCTAssertEqual(result.readings, [Reading(device: "m1", metric: "power", timestamp: 1_763_892_900_000, value: 3)])
    }

    func testUnknownNamesAndUnitMismatchesAreReportedPerRecord() throws {
        let result = try decode(#"[{"bn":"m1:","n":"power","u":"kW","v":1.2},{"n":"frequency","v":50},{"n":"energy","v":3}]"#)
        XCTAssertEqual(result.values, ["energy": 3])
        XCTAssertEqual(result.reasons, [
            .unitMismatch(metric: "power", expected: "W", found: "kW"),
            .unknownMetric(deviceType: "meter", metric: "m1:frequency"),
        ])
    }

    func testValueProblems() throws {
        let result = try decode(#"[{"n":"power","v":-5},{"n":"relay","vs":"stuck"},{"n":"energy"},{"n":"energy","v":"12"},{"n":"energy","v":1e999}]"#)
        XCTAssertEqual(result.readings, [])
        XCTAssertEqual(result.reasons, [
            .outOfRange(metric: "power", value: -5, min: 0, max: nil),
            .notANumber(metric: "relay", found: "\"stuck\""),
            .missingMetric(metric: "energy", path: "energy"),
            .notANumber(metric: "energy", found: "\"12\""),
            .nonFinite(metric: "energy"),
        ])
    }

    func testShapeProblems() throws {
        XCTAssertEqual(try decode(#"{"n":"power","v":1}"#).reasons,
                       [.unexpectedShape(message: "SenML payload must be a JSON array of records, found an object")])
        XCTAssertEqual(try decode(#"[1, {"n":"power","v":1}]"#).reasons,
                       [.unexpectedShape(message: "SenML record 0 is a number, not an object")])
        XCTAssertEqual(try decode(#"[{"n":5,"v":1}]"#).reasons,
                       [.unexpectedShape(message: "SenML field 'n' must be a string, found 5")])
        XCTAssertEqual(try decode("[]").reasons, [.unexpectedShape(message: "no readings in payload")])
        XCTAssertEqual(try decode(#"[{"n":"power","v":1},]"#).reasons, [.malformedJSON(offset: 21, message: "expected a value")])
    }
}
