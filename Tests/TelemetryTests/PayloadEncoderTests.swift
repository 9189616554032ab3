import Telemetry
import XCTest

final class PayloadEncoderTests: XCTestCase {
    private func shippedCatalog() throws -> DeviceCatalog {
        try DeviceCatalog.load(directory: shippedDevicesDirectory)
    }

    func testJSONNestsDottedPathsAndAddsTimestampAndSequence() throws {
        let type = try XCTUnwrap(try shippedCatalog().type(named: "climate-sensor"))
        let device = Device(id: "gh-07", type: type.name, labels: ["site": "north"])
        let messages = PayloadEncoder().encode(
            type: type, device: device, timestamp: 1_763_892_900_123,
            values: [("temperature", 21.5), ("humidity", 63), ("battery", 3.01)], sequence: 9
        )
        XCTAssertEqual(messages.count, 1)
        XCTAssertEqual(messages.first?.topic, "greenhouse/north/gh-07/climate")
        XCTAssertEqual(messages.first.map { String(decoding: $0.payload, as: UTF8.self) },
                       #"{"ts":1763892900123,"seq":9,"temp":21.5,"hum":63,"power":{"battery":3.01}}"#)
    }

    func testValueFormatPublishesOneMessagePerMetric() throws {
        let type = try XCTUnwrap(try shippedCatalog().type(named: "plain-value-sensor"))
        let device = Device(id: "t1", type: type.name, labels: ["room": "kitchen"])
        let messages = PayloadEncoder().encode(type: type, device: device, timestamp: 0, values: [("co2", 612), ("window", 1), ("nope", 1)])
        XCTAssertEqual(messages.map(\.topic), ["home/kitchen/t1/co2", "home/kitchen/t1/window"])
        XCTAssertEqual(messages.map { String(decoding: $0.payload, as: UTF8.self) }, ["612", "OPEN"])
    }

    func testSenMLPackCarriesBaseNameAndTime() throws {
        let type = try XCTUnwrap(try shippedCatalog().type(named: "energy-meter"))
        let device = Device(id: "meter-01", type: type.name, labels: ["site": "plant"])
        let messages = PayloadEncoder().encode(type: type, device: device, timestamp: 1_763_892_900_500, values: [("power", 1250.5), ("voltage", 231)])
        XCTAssertEqual(messages.first?.topic, "energy/plant/meter-01/senml")
        XCTAssertEqual(messages.first.map { String(decoding: $0.payload, as: UTF8.self) },
                       #"[{"bn":"meter-01:","bt":1763892900.5,"n":"power","u":"W","v":1250.5},{"n":"voltage","u":"V","v":231}]"#)
    }

    /// Random values within each metric's bounds, for every shipped type, decode back to the same readings.
    func testRoundTripForEveryShippedType() throws {
        let catalog = try shippedCatalog()
        let decoder = MessageDecoder(catalog: catalog)
        let encoder = PayloadEncoder()
        var generator = SplitMix64(seed: 0x5EED)
        for type in catalog.types {
            for iteration in 0..<500 {
                let labels = Dictionary(uniqueKeysWithValues: type.topic.labels.map { ($0, "l\(iteration % 7)") })
                let device = Device(id: "dev-\(iteration)", type: type.name, labels: labels)
                let timestamp = Int64.random(in: 1_600_000_000_000...1_900_000_000_000, using: &generator)
                let values = type.metrics.map { metric -> (metric: String, value: Double) in
                    if let word = metric.valueMap.keys.sorted().randomElement(using: &generator), Bool.random(using: &generator) {
                        return (metric.name, metric.valueMap[word] ?? 0)
                    }
                    let low = metric.min ?? -1e6
                    let high = metric.max ?? 1e6
                    var value = Double.random(in: low...high, using: &generator)
                    if iteration % 3 == 0 { value = value.rounded() }
                    return (metric.name, value)
                }
                let messages = encoder.encode(type: type, device: device, timestamp: timestamp, values: values)
                var readings: [Reading] = []
                for (topic, payload) in messages {
                    let payloadCarriesTime = type.format == .senml || type.timestampPath != nil
                    let receive = payloadCarriesTime ? timestamp + 2_000 : timestamp
                    let decoded = decoder.decode(InboundMessage(topic: topic, payload: payload, receivedAt: receive))
                    XCTAssertNil(decoded.deadLetter, "\(type.name): \(String(decoding: payload, as: UTF8.self))")
                    XCTAssertEqual(decoded.device, device)
                    readings += decoded.readings
                }
                let expected = values.map { Reading(device: device.id, metric: $0.metric, timestamp: timestamp, value: $0.value) }
                XCTAssertEqual(readings, expected, type.name)
            }
        }
    }
}
