import Telemetry
import XCTest

final class ValuePayloadTests: XCTestCase {
    private let yaml = """
        type: room
        topic: home/{room}/{device}/{metric}
        format: value
        metrics:
          temperature: { unit: "°C", min: -40, max: 85 }
          co2: { path: carbon, unit: ppm, min: 0, max: 10000 }
          light: { map: { "ON": 1, "OFF": 0 } }
        """

    func testWholePayloadIsOneNumberForTheTopicMetric() throws {
        let decoder = try decoder(["r.yaml": yaml])
        let result = decoder.decode(message("home/kitchen/t1/temperature", " 21.5\n"))
        XCTAssertNil(result.deadLetter)
        XCTAssertEqual(result.device, Device(id: "t1", type: "room", labels: ["room": "kitchen"]))
        XCTAssertEqual(result.readings, [Reading(device: "t1", metric: "temperature", timestamp: receivedAt, value: 21.5)])
    }

    func testNumberSpellings() throws {
        let decoder = try decoder(["r.yaml": yaml])
        for (text, expected) in [("-3", -3.0), ("1e1", 10), ("+4.5", 4.5), ("0", 0), ("true", 1), ("false", 0), ("TRUE", 1)] {
            let result = decoder.decode(message("home/k/t1/temperature", text))
            XCTAssertEqual(result.readings.first?.value, expected, text)
            XCTAssertNil(result.deadLetter, text)
        }
    }

    func testTopicLevelIsMatchedAgainstThePath() throws {
        let decoder = try decoder(["r.yaml": yaml])
        let result = decoder.decode(message("home/k/t1/carbon", "612"))
        XCTAssertEqual(result.readings, [Reading(device: "t1", metric: "co2", timestamp: receivedAt, value: 612)])
    }

    func testMappedWords() throws {
        let decoder = try decoder(["r.yaml": yaml])
        XCTAssertEqual(decoder.decode(message("home/k/t1/light", "ON")).values, ["light": 1])
        XCTAssertEqual(decoder.decode(message("home/k/t1/light", "\"OFF\"")).values, ["light": 0])
        XCTAssertEqual(decoder.decode(message("home/k/t1/light", "off")).reasons, [.notANumber(metric: "light", found: "\"off\"")])
    }

    func testUndeclaredMetricIsUnknown() throws {
        let decoder = try decoder(["r.yaml": yaml])
        let result = decoder.decode(message("home/k/t1/pressure", "1013"))
        XCTAssertEqual(result.readings, [])
        XCTAssertEqual(result.reasons, [.unknownMetric(deviceType: "room", metric: "pressure")])
        XCTAssertEqual(result.device?.id, "t1")
    }

    func testNonFiniteAndNonNumbers() throws {
        let decoder = try decoder(["r.yaml": yaml])
        for text in ["nan", "NaN", "inf", "-Infinity", "1e999"] {
            XCTAssertEqual(decoder.decode(message("home/k/t1/temperature", text)).reasons, [.nonFinite(metric: "temperature")], text)
        }
        XCTAssertEqual(decoder.decode(message("home/k/t1/temperature", "warm")).reasons, [.notANumber(metric: "temperature", found: "\"warm\"")])
        XCTAssertEqual(decoder.decode(message("home/k/t1/temperature", "  ")).reasons, [.notANumber(metric: "temperature", found: "an empty payload")])
        XCTAssertEqual(decoder.decode(message("home/k/t1/temperature", "21.5 C")).reasons, [.notANumber(metric: "temperature", found: "\"21.5 C\"")])
        let long = String(repeating: "x", count: 100)
        XCTAssertEqual(decoder.decode(message("home/k/t1/temperature", long)).reasons,
                       [.notANumber(metric: "temperature", found: "\"\(String(repeating: "x", count: 40))…\"")])
    }

    func testOutOfRange() throws {
        let decoder = try decoder(["r.yaml": yaml])
        XCTAssertEqual(decoder.decode(message("home/k/t1/carbon", "-1")).reasons,
                       [.outOfRange(metric: "co2", value: -1, min: 0, max: 10000)])
    }

    func testInvalidUTF8() throws {
        let decoder = try decoder(["r.yaml": yaml])
        let result = decoder.decode(InboundMessage(topic: "home/k/t1/temperature", payload: [0x32, 0x31, 0xC3, 0x28], receivedAt: receivedAt))
        XCTAssertEqual(result.reasons, [.invalidUTF8(offset: 2)])
    }
}
