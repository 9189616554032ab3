import Foundation
import Storage
import Telemetry
import XCTest

final class DeadLetterTests: StoreTestCase {
    func testPayloadBytesAndReasonsAreKeptExactly() throws {
        let store = try openStore()
        let payload: [UInt8] = [0x7B, 0x00, 0xFF, 0xFE, 0xC3, 0x28, 0x00, 0x22, 0x7D]
        let letter = DeadLetter(topic: "greenhouse/north/gh-07/climate", payload: payload, receivedAt: 1234, reasons: [
            .invalidUTF8(offset: 2), .missingMetric(metric: "humidity", path: "hum"),
        ])
        let outcome = try store.write(IngestBatch(deadLetters: [letter, DeadLetter(topic: "x", payload: [], receivedAt: 1235, reasons: [.unknownTopic(topic: "x")])], observedAt: 1))
        XCTAssertEqual(outcome.deadLetters, 2)
        let stored = try store.deadLetters()
        XCTAssertEqual(stored.count, 2)
        XCTAssertEqual(stored[0].payload, payload)
        XCTAssertEqual(stored[0].topic, letter.topic)
        XCTAssertEqual(stored[0].receivedAt, 1234)
        XCTAssertEqual(stored[0].reason, "invalid_utf8")
        XCTAssertEqual(stored[0].detail, "payload is not valid UTF-8 (byte 2); metric 'humidity' missing (no value at 'hum')")
        XCTAssertNil(stored[0].resolvedAt)
        XCTAssertEqual(stored[1].payload, [])
        XCTAssertEqual(stored[1].reason, "unknown_topic")
    }

    func testFiltersCountsAndResolution() throws {
        let store = try openStore()
        let letters = [
            DeadLetter(topic: "home/a/temp", payload: [1], receivedAt: 100, reasons: [.nonFinite(metric: "temp")]),
            DeadLetter(topic: "home/b/temp", payload: [2], receivedAt: 200, reasons: [.malformedJSON(offset: 0, message: "x")]),
            DeadLetter(topic: "garden/c", payload: [3], receivedAt: 300, reasons: [.malformedJSON(offset: 1, message: "y")]),
            DeadLetter(topic: "home/d/temp", payload: [4], receivedAt: 400, reasons: [.malformedJSON(offset: 2, message: "z")]),
        ]
        _ = try store.write(IngestBatch(deadLetters: letters, observedAt: 1))
        XCTAssertEqual(try store.deadLetterCount(), 4)
        XCTAssertEqual(try store.deadLetterCountsByReason(), ["non_finite": 1, "malformed_json": 3])
        XCTAssertEqual(try store.deadLetters(filter: .init(reason: "malformed_json")).map(\.payload), [[2], [3], [4]])
        XCTAssertEqual(try store.deadLetters(filter: .init(topicPrefix: "home/")).map(\.payload), [[1], [2], [4]])
        XCTAssertEqual(try store.deadLetters(filter: .init(from: 200, to: 400)).map(\.payload), [[2], [3]])
        XCTAssertEqual(try store.deadLetters(filter: .init(limit: 2, offset: 1)).map(\.payload), [[2], [3]])
        XCTAssertEqual(try store.deadLetters(filter: .init(reason: "malformed_json", topicPrefix: "home", limit: 1)).map(\.payload), [[2]])

        let ids = try store.deadLetters(filter: .init(reason: "malformed_json")).map(\.id)
        XCTAssertEqual(try store.resolveDeadLetters(ids: [ids[0], ids[2]], at: 999), 2)
        XCTAssertEqual(try store.resolveDeadLetters(ids: [ids[0]], at: 1000), 0)
        XCTAssertEqual(try store.deadLetters(filter: .init(unresolvedOnly: true)).map(\.payload), [[1], [3]])
        XCTAssertEqual(try store.deadLetters().map(\.resolvedAt), [nil, 999, nil, 999])
    }

    func testTopicPrefixIsLiteral() throws {
        let store = try openStore()
        _ = try store.write(IngestBatch(deadLetters: [
            DeadLetter(topic: "a%b/x", payload: [1], receivedAt: 1, reasons: [.unknownTopic(topic: "a%b/x")]),
            DeadLetter(topic: "azb/x", payload: [2], receivedAt: 2, reasons: [.unknownTopic(topic: "azb/x")]),
        ], observedAt: 1))
        XCTAssertEqual(try store.deadLetters(filter: .init(topicPrefix: "a%")).map(\.payload), [[1]])
    }
}
