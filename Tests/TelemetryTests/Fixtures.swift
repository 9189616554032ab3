import Telemetry
import XCTest

/// The repository's `Devices/` directory, found from this file's location.
let shippedDevicesDirectory: String = {
    var components = URL(fileURLWithPath: #filePath).pathComponents
    components.removeLast(3)
    return NSString.path(withComponents: components + ["Devices"])
}()

let receivedAt: Int64 = 1_763_892_900_000

func message(_ topic: String, _ payload: String, at time: Int64 = receivedAt) -> InboundMessage {
    InboundMessage(topic: topic, payload: Array(payload.utf8), receivedAt: time)
}

func catalog(_ files: [String: String]) throws -> DeviceCatalog {
    try DeviceCatalog.load(files: files.map { (path: $0.key, contents: $0.value) })
}

/// The diagnostics a broken catalog produces, as `file:line:column: message` lines.
func diagnostics(_ files: [String: String], file: StaticString = #filePath, line: UInt = #line) -> [String] {
    do {
        _ = try DeviceCatalog.load(files: files.map { (path: $0.key, contents: $0.value) })
        XCTFail("expected the catalog to be rejected", file: file, line: line)
        return []
    } catch {
        return error.diagnostics.map(\.description)
    }
}

let climateYAML = """
    type: climate-sensor
    topic: greenhouse/{site}/{device}/climate
    format: json
    timestamp: ts
    sequence: seq
    metrics:
      temperature: { path: temp, unit: "°C", min: -40, max: 85 }
      humidity: { path: hum, unit: "%", min: 0, max: 100 }
      battery: { path: power.battery, unit: V, optional: true }
    """

func decoder(_ files: [String: String], maxPayloadBytes: Int = 65_536) throws -> MessageDecoder {
    MessageDecoder(catalog: try catalog(files), maxPayloadBytes: maxPayloadBytes)
}

extension DecodedMessage {
    var values: [String: Double] {
        Dictionary(readings.map { ($0.metric, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    var reasons: [DeadLetterReason] { deadLetter?.reasons ?? [] }
}
