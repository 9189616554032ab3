import Foundation
@testable import Replay
import Storage
import Telemetry
import TestSupport
import XCTest

/// `Republisher` in process: global event-time order, one message per device and time in the
/// catalog format, bounded windows, skipped unknown types, normalized JSON.
final class ReplayRepublisherTests: XCTestCase {
    private var fixture: ReplayFixture!
    private var catalog: DeviceCatalog!

    override func setUpWithError() throws {
        fixture = try ReplayFixture()
        catalog = try DeviceCatalog.load(directory: RepositoryPaths.devices)
        // gh-01 every 30 s from 0, gh-02 every 30 s from 1 min: interleaved in time.
        try fixture.climate("gh-01", [20, 21, 22, 23, 24])
        try fixture.climate("gh-02", site: "south", [30, 31, 32], from: 2)
        try fixture.plain("q-01", at: [15_000, 45_000])
    }

    override func tearDown() {
        fixture.remove()
    }

    private func publish(
        _ republisher: Republisher
    ) throws -> (messages: [(topic: String, payload: String)], summary: Republisher.Summary) {
        var messages: [(topic: String, payload: String)] = []
        let census = try XCTUnwrap(try republisher.replayer.census())
        let summary = try republisher.run(census: census) { topic, payload in
            messages.append((topic, String(decoding: payload, as: UTF8.self)))
        }
        return (messages, summary)
    }

    func testMessagesFollowEventTimeAcrossDevicesOnePerDeviceAndTime() throws {
        let republisher = Republisher(replayer: Replayer(store: fixture.store), encoding: .catalog(catalog), speed: nil)
        let (messages, summary) = try publish(republisher)
        let base = ReplayFixture.base
        XCTAssertEqual(messages.map(\.topic), [
            "greenhouse/north/gh-01/climate", "home/hall/q-01/temperature", "greenhouse/north/gh-01/climate",
            "home/hall/q-01/temperature", "greenhouse/north/gh-01/climate", "greenhouse/south/gh-02/climate",
            "greenhouse/north/gh-01/climate", "greenhouse/south/gh-02/climate", "greenhouse/north/gh-01/climate",
            "greenhouse/south/gh-02/climate",
        ])
        XCTAssertEqual(messages[0].payload, #"{"ts":\#(base),"hum":50,"temp":20}"#)
        XCTAssertEqual(messages[1].payload, "21")
        XCTAssertEqual(messages[5].payload, #"{"ts":\#(base + 60_000),"hum":50,"temp":30}"#)
        XCTAssertEqual(summary, Republisher.Summary(readings: 18, messages: 10, skippedReadings: 0, skippedTypes: []))
    }

    func testDecodingThePublishedMessagesGivesBackTheStoredReadings() throws {
        let republisher = Republisher(replayer: Replayer(store: fixture.store, scope: ReplayScope(types: ["climate-sensor"])),
                                      encoding: .catalog(catalog), speed: nil)
        let decoder = MessageDecoder(catalog: catalog)
        var decoded: [Reading] = []
        for message in try publish(republisher).messages {
            let result = decoder.decode(InboundMessage(topic: message.topic, payload: Array(message.payload.utf8), receivedAt: 0))
            XCTAssertNil(result.deadLetter, message.payload)
            decoded += result.readings
        }
        var stored: [Reading] = []
        try fixture.store.forEachReadingByDevice { stored.append($0) }
        stored = stored.filter { $0.device.hasPrefix("gh-") }
        func key(_ reading: Reading) -> String { "\(reading.device) \(reading.metric) \(reading.timestamp) \(reading.value)" }
        XCTAssertEqual(decoded.map(key).sorted(), stored.map(key).sorted())
        XCTAssertEqual(decoded.count, 16)
    }

    func testSmallWindowsGiveTheSameMessagesAsOneWindow() throws {
        var small = Republisher(replayer: Replayer(store: fixture.store), encoding: .catalog(catalog), speed: nil)
        small.windowTarget = 1
        let large = Republisher(replayer: Replayer(store: fixture.store), encoding: .catalog(catalog), speed: nil)
        let a = try publish(small)
        let b = try publish(large)
        XCTAssertEqual(a.messages.map { $0.topic + " " + $0.payload }, b.messages.map { $0.topic + " " + $0.payload })
        XCTAssertEqual(a.summary, b.summary)
    }

    func testDevicesOfTypesMissingFromTheCatalogAreSkippedAndCounted() throws {
        let climateOnly = try DeviceCatalog(types: catalog.types.filter { $0.name == "climate-sensor" })
        let republisher = Republisher(replayer: Replayer(store: fixture.store), encoding: .catalog(climateOnly), speed: nil)
        let (messages, summary) = try publish(republisher)
        XCTAssertEqual(messages.count, 8)
        XCTAssertEqual(summary.skippedReadings, 2)
        XCTAssertEqual(summary.skippedTypes, ["plain-value-sensor"])
    }

    func testNormalizedIsOneJSONPerReadingOnTheReplayTopic() throws {
        let republisher = Republisher(replayer: Replayer(store: fixture.store, scope: ReplayScope(devices: ["gh-02"])),
                                      encoding: .normalized, speed: nil)
        let (messages, summary) = try publish(republisher)
        XCTAssertEqual(summary.readings, 6)
        XCTAssertEqual(messages.map(\.topic).prefix(2), ["telemetry-bridge/replay/gh-02/humidity", "telemetry-bridge/replay/gh-02/temperature"])
        XCTAssertEqual(messages[1].payload, """
            {"device":"gh-02","type":"climate-sensor","metric":"temperature","timestamp":\(ReplayFixture.base + 60_000),\
            "at":"2027-01-15T08:01:00Z","value":30,"labels":{"site":"south"}}
            """)
    }
}
