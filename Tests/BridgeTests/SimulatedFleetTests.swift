@testable import Replay
import Telemetry
import TestSupport
import XCTest

@testable import Bridge

final class SimulatedFleetTests: XCTestCase {
    private func catalog() throws -> DeviceCatalog {
        try DeviceCatalog.load(directory: RepositoryPaths.devices)
    }

    private func messages(_ configuration: SimulatorConfiguration, count: Int) throws -> [SimulatedFleet.Message] {
        var fleet = SimulatedFleet(catalog: try catalog(), configuration: configuration)
        var out: [SimulatedFleet.Message] = []
        var time: Int64 = 1_795_428_900_000
        while out.count < count {
            out += fleet.nextMessages(at: time)
            time += 1000
        }
        return out
    }

    func testSameSeedGivesTheSameMessages() throws {
        var configuration = SimulatorConfiguration()
        configuration.anomalies = true
        configuration.malformedShare = 0.1
        XCTAssertEqual(try messages(configuration, count: 500), try messages(configuration, count: 500))
        configuration.seed = 2
        var other = configuration
        other.seed = 3
        XCTAssertNotEqual(try messages(configuration, count: 200), try messages(other, count: 200))
    }

    func testNormalMessagesDecodeWithoutDeadLettersForEveryShippedType() throws {
        let decoder = MessageDecoder(catalog: try catalog())
        var configuration = SimulatorConfiguration()
        configuration.devicesPerType = 3
        let all = try messages(configuration, count: 2000)
        var typesSeen = Set<String>()
        for message in all {
            let decoded = decoder.decode(InboundMessage(topic: message.topic, payload: message.payload, receivedAt: 0))
            XCTAssertNil(decoded.deadLetter, "\(message.topic) \(String(decoding: message.payload, as: UTF8.self)): "
                         + "\(decoded.deadLetter?.detail ?? "")")
            XCTAssertFalse(decoded.readings.isEmpty)
            if let type = decoded.device?.type { typesSeen.insert(type) }
        }
        XCTAssertEqual(typesSeen.count, 4)
    }

    func testMalformedShareProducesDeadLettersOfTheKindAnnounced() throws {
        let decoder = MessageDecoder(catalog: try catalog())
        var configuration = SimulatorConfiguration()
        configuration.malformedShare = 0.3
        let all = try messages(configuration, count: 3000)
        let bad = all.filter { $0.kind != .normal }
        XCTAssertGreaterThan(bad.count, 300)
        for message in bad {
            let decoded = decoder.decode(InboundMessage(topic: message.topic, payload: message.payload, receivedAt: 0))
            let reasons = decoded.deadLetter?.reasons.map(\.code) ?? []
            if message.kind == .outOfRange {
                XCTAssertEqual(reasons, ["out_of_range"], message.topic)
            } else {
                XCTAssertFalse(reasons.isEmpty, "\(message.topic) decoded cleanly: \(message.payload)")
            }
        }
    }

    func testAnomaliesSilenceDevicesAndSpikeTemperatures() throws {
        var configuration = SimulatorConfiguration()
        configuration.anomalies = true
        configuration.types = ["climate-sensor"]
        configuration.devicesPerType = 2
        let decoder = MessageDecoder(catalog: try catalog())
        var fleet = SimulatedFleet(catalog: try catalog(), configuration: configuration)
        var time: Int64 = 1_795_428_900_000
        var silentTurns = 0
        var hottest = -Double.infinity
        for _ in 0..<20_000 {
            let batch = fleet.nextMessages(at: time)
            if batch.isEmpty { silentTurns += 1 }
            for message in batch {
                let readings = decoder.decode(InboundMessage(topic: message.topic, payload: message.payload, receivedAt: 0)).readings
                for reading in readings where reading.metric == "temperature" { hottest = max(hottest, reading.value) }
            }
            time += 5000
        }
        XCTAssertGreaterThan(silentTurns, 0)
        XCTAssertGreaterThan(hottest, 32, "a spike lifts temperature well above the daily cycle")
    }
}
