import Telemetry
import XCTest

/// Every `DeadLetterReason` case, produced by the decoder from a real message.
final class DeadLetterReasonTests: XCTestCase {
    private let files = [
        "c.yaml": climateYAML,
        "v.yaml": "type: room\ntopic: home/{room}/{device}/{metric}\nformat: value\nmetrics: { temperature: {} }\n",
        "m.yaml": "type: meter\ntopic: energy/{device}/senml\nformat: senml\nmetrics: { power: { unit: W } }\n",
    ]

    private func reasons(_ topic: String, _ payload: [UInt8], limit: Int = 64) throws -> [DeadLetterReason] {
        let decoded = try decoder(files, maxPayloadBytes: limit).decode(InboundMessage(topic: topic, payload: payload, receivedAt: receivedAt))
        XCTAssertEqual(decoded.deadLetter?.topic, topic)
        XCTAssertEqual(decoded.deadLetter?.payload, payload)
        XCTAssertEqual(decoded.deadLetter?.receivedAt, receivedAt)
        return decoded.reasons
    }

    func testEveryReasonIsProduced() throws {
        let climate = "greenhouse/s/d/climate"
        var produced: [String: DeadLetterReason] = [:]
        let cases: [(String, [UInt8], DeadLetterReason)] = [
            ("weather/x", Array("1".utf8), .unknownTopic(topic: "weather/x")),
            ("home/k/d/pressure", Array("1".utf8), .unknownMetric(deviceType: "room", metric: "pressure")),
            (climate, Array(repeating: 0x20, count: 65), .payloadTooLarge(size: 65, limit: 64)),
            (climate, Array(#"{"temp": ""#.utf8) + [0xFF] + Array(#""}"#.utf8), .invalidUTF8(offset: 10)),
            (climate, Array(#"{"temp" 1}"#.utf8), .malformedJSON(offset: 8, message: "expected ':'")),
            (climate, Array("[]".utf8), .unexpectedShape(message: "expected a JSON object, found an array")),
            (climate, Array(#"{"temp": 1}"#.utf8), .missingMetric(metric: "humidity", path: "hum")),
            (climate, Array(#"{"temp": [], "hum": 1}"#.utf8), .notANumber(metric: "temperature", found: "an array")),
            (climate, Array(#"{"temp": -1e400, "hum": 1}"#.utf8), .nonFinite(metric: "temperature")),
            (climate, Array(#"{"temp": 86, "hum": 1}"#.utf8), .outOfRange(metric: "temperature", value: 86, min: -40, max: 85)),
            (climate, Array(#"{"ts": "soon", "temp": 1, "hum": 1}"#.utf8), .invalidTimestamp(field: "ts", found: "\"soon\"")),
            ("energy/m/senml", Array(#"[{"n":"power","u":"kW","v":1}]"#.utf8), .unitMismatch(metric: "power", expected: "W", found: "kW")),
        ]
        for (topic, payload, expected) in cases {
            let found = try reasons(topic, payload)
            XCTAssertEqual(found, [expected], String(decoding: payload, as: UTF8.self))
            if let reason = found.first { produced[reason.code] = reason }
        }
        let allCodes: Set = [
            "unknown_topic", "unknown_metric", "payload_too_large", "invalid_utf8", "malformed_json", "unexpected_shape",
            "missing_metric", "not_a_number", "non_finite", "out_of_range", "invalid_timestamp", "unit_mismatch",
        ]
        XCTAssertEqual(Set(produced.keys), allCodes)
    }

    func testPayloadSizeIsCheckedBeforeParsing() throws {
        let payload = Array(repeating: UInt8(ascii: "{"), count: 100)
        XCTAssertEqual(try reasons("greenhouse/s/d/climate", payload), [.payloadTooLarge(size: 100, limit: 64)])
    }

    func testInvalidUTF8IsFoundInKeysAndValues() throws {
        for (bytes, offset) in [([0xC0, 0x80], 2), ([0xED, 0xA0, 0x80], 2), ([0xF4, 0x90, 0x80, 0x80], 2), ([0xE2, 0x82], 2)] as [([UInt8], Int)] {
            let payload = Array("{\"".utf8) + bytes + Array("\": 1}".utf8)
            XCTAssertEqual(try reasons("greenhouse/s/d/climate", payload), [.invalidUTF8(offset: offset)], "\(bytes)")
        }
    }
}
