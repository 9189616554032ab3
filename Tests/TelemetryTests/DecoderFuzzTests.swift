import Telemetry
import TestSupport
import XCTest

/// Random and mutated payloads must never crash the decoder, and every outcome must be either
/// readings or a dead letter with at least one reason.
final class DecoderFuzzTests: XCTestCase {
    private func check(_ decoded: DecodedMessage, _ payload: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        if let deadLetter = decoded.deadLetter {
            XCTAssertFalse(deadLetter.reasons.isEmpty, file: file, line: line)
            XCTAssertEqual(deadLetter.payload, payload, file: file, line: line)
        } else {
            XCTAssertFalse(decoded.readings.isEmpty, "no readings and no reason for \(payload)", file: file, line: line)
        }
        for reading in decoded.readings {
            XCTAssertTrue(reading.value.isFinite, file: file, line: line)
        }
    }

    func testRandomBytesNeverCrash() throws {
        let catalog = try DeviceCatalog.load(directory: shippedDevicesDirectory)
        let decoder = MessageDecoder(catalog: catalog, maxPayloadBytes: 4_096)
        let topics = ["greenhouse/n/d/climate", "zigbee2mqtt/door", "home/k/d/temperature", "home/k/d/window", "energy/s/m/senml", "x/y"]
        var generator = SplitMix64(seed: 42)
        let alphabet = Array(#"{}[]:,"\-+.0123456789eEtruefalsnl u\/"#.utf8) + [0x00, 0x80, 0xC3, 0xA9, 0xED, 0xF4, 0xFF]
        for _ in 0..<5_000 {
            let length = Int.random(in: 0...64, using: &generator)
            let payload: [UInt8] = (0..<length).map { _ in
                Bool.random(using: &generator) ? alphabet.randomElement(using: &generator) ?? 0 : UInt8.random(in: 0...255, using: &generator)
            }
            for topic in topics {
                check(decoder.decode(InboundMessage(topic: topic, payload: payload, receivedAt: receivedAt)), payload)
            }
        }
    }

    func testMutatedValidPayloadsNeverCrash() throws {
        let catalog = try DeviceCatalog.load(directory: shippedDevicesDirectory)
        let decoder = MessageDecoder(catalog: catalog)
        let encoder = PayloadEncoder()
        var generator = SplitMix64(seed: 7)
        var seeds: [(String, [UInt8])] = []
        for type in catalog.types {
            let device = Device(id: "d1", type: type.name, labels: Dictionary(uniqueKeysWithValues: type.topic.labels.map { ($0, "x") }))
            let values = type.metrics.map { ($0.name, ($0.min ?? 0) + 1) }
            seeds += encoder.encode(type: type, device: device, timestamp: 1_763_892_900_123, values: values, sequence: 5).map { ($0.topic, $0.payload) }
        }
        seeds.append(("greenhouse/n/d/climate", Array(#"{"ts":"2026-11-23T10:15:00.123+01:00","temp":"\u00e9\ud83d\ude00","hum":1e-5}"#.utf8)))
        seeds.append(("energy/s/m/senml", Array(#"[{"bn":"m:","bt":1.5e9,"bu":"W","n":"power","vb":true,"t":-2},{"n":"energy","s":1}]"#.utf8)))
        for _ in 0..<20_000 {
            guard let (topic, seed) = seeds.randomElement(using: &generator) else { return }
            var payload = seed
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0...payload.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0 where position < payload.count: payload[position] = UInt8.random(in: 0...255, using: &generator)
                case 1 where position < payload.count: payload.remove(at: position)
                case 2: payload.insert(Array(#"{}[]",:\0-.e9"#.utf8).randomElement(using: &generator) ?? 0, at: position)
                default: payload = Array(payload.prefix(position))
                }
            }
            check(decoder.decode(InboundMessage(topic: topic, payload: payload, receivedAt: receivedAt)), payload)
        }
    }

    /// Shipped payload shapes mutated for the fuzz budget (`make fuzz` runs it longer).
    func testMutatedPayloadsWithinTheFuzzBudgetNeverCrash() throws {
        let catalog = try DeviceCatalog.load(directory: shippedDevicesDirectory)
        let decoder = MessageDecoder(catalog: catalog, maxPayloadBytes: 4_096, maxTimestampAge: 86_400_000, maxTimestampAhead: 3_600_000)
        let seeds: [(String, String)] = [
            ("greenhouse/n/d/climate", #"{"ts":1795428900000,"temp":21.5,"hum":40,"power":{"battery":3.1},"seq":7}"#),
            ("zigbee2mqtt/door", #"{"temperature":21,"humidity":40,"battery":90,"linkquality":120,"contact":true}"#),
            ("home/k/d/temperature", "21.5"),
            ("energy/s/m/senml", #"[{"bn":"m","bt":1795428900,"n":"power","u":"W","v":1200},{"n":"energy","u":"Wh","v":5}]"#),
        ]
        let tokens = ["{", "}", "[", "]", ":", ",", "\"", "\\u0000", "1e309", "-1", "NaN", "null", "true", "9223372036854775808",
                      "4.9e-324", "\"ts\":", "\"t\":-1e300,", String(repeating: "[", count: 64)].map { Array($0.utf8) } + Fuzzing.invalidUTF8
        let iterations = Fuzzing.run { generator in
            let (topic, payload) = seeds.randomElement(using: &generator) ?? seeds[0]
            let bytes = Fuzzing.mutate(Array(payload.utf8), tokens: tokens, using: &generator)
            check(decoder.decode(InboundMessage(topic: topic, payload: bytes, receivedAt: receivedAt)), bytes)
        }
        print("decoder fuzz: \(iterations) inputs, seed \(Fuzzing.seed)")
    }
}
