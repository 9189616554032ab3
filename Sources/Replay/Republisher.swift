import Rules
import Storage
import Telemetry

/// Publishes stored readings again, in global event-time order, so another system can be
/// tested with real history (`replay --publish`).
///
/// The log is read in event-time windows across every device in scope (each window sorted by
/// time, devices' own order kept for ties), so memory is bounded by a window, not the range:
/// a window that grows past ``windowLimit`` readings is read again at half the width. Readings
/// of one device at one time go out as one message for `json` and `senml` types (as the device
/// sent them), one message per metric for `value` types; with ``Encoding/normalized`` one JSON
/// per reading. Device types without an event-time field (`value`, zigbee-style JSON) are
/// stamped with the receive time by whoever ingests them, so only their values round-trip.
public struct Republisher: Sendable {
    /// How messages are built.
    public enum Encoding: Sendable {
        /// The device type's catalog format and topic; devices of types not in it are skipped.
        case catalog(DeviceCatalog)
        /// One JSON per reading on `telemetry-bridge/replay/{device}/{metric}`:
        /// `{"device":"gh-01","type":"climate-sensor","metric":"temperature","timestamp":1800000000000,
        /// "at":"2027-01-15T08:00:00Z","value":21.5,"labels":{"site":"north"}}`.
        case normalized
    }

    /// What was published.
    public struct Summary: Sendable, Hashable {
        public var readings = 0
        public var messages = 0
        /// Readings of devices whose type the catalog does not have.
        public var skippedReadings = 0
        public var skippedTypes: Set<String> = []
    }

    public let replayer: Replayer
    public var encoding: Encoding
    /// Event-time speed (1 = real time); nil: as fast as the broker takes them.
    public var speed: Double?
    /// Readings a window aims at.
    var windowTarget = 50_000
    /// Readings above which a window is read again at half the width.
    var windowLimit: Int { windowTarget * 4 }

    public init(replayer: Replayer, encoding: Encoding, speed: Double?) {
        self.replayer = replayer
        self.encoding = encoding
        self.speed = speed
    }

    /// Publishes every reading of `census`'s span through `publish`, pacing by `speed` on
    /// `clock`; `progress` gets the readings of each group just published.
    public func run(
        census: ReplayCensus, clock: ReplayClock = .system, progress: (Int) -> Void = { _ in },
        publish: (_ topic: String, _ payload: [UInt8]) throws -> Void
    ) throws -> Summary {
        var summary = Summary()
        var pacer = ReplayPacer(speed: speed)
        var emitter = Emitter(encoding: encoding)
        let span = Double(census.last) - Double(census.first) + 1
        var width = Int64(max(1, min(1e15, span * Double(windowTarget) / Double(max(1, census.count)))))
        var start = census.first
        var window: [(reading: Reading, device: Device)] = []
        while start <= census.last {
            let end = width > census.last - start ? census.last + 1 : start + width
            window.removeAll(keepingCapacity: true)
            let limit = end - start > 1 ? windowLimit : Int.max
            do {
                try replayer.forEachReading(from: start, to: end) { reading, device in
                    window.append((reading, device))
                    if window.count > limit { throw WindowOverflow() }
                }
            } catch is WindowOverflow {
                width = max(1, (end - start) / 2)
                continue
            }
            try emit(window, pacer: &pacer, emitter: &emitter, clock: clock, summary: &summary, progress: progress,
                     publish: publish)
            start = end
            if window.count < windowTarget / 4, width < 1 << 50 { width *= 2 }
        }
        return summary
    }

    private func emit(
        _ window: [(reading: Reading, device: Device)], pacer: inout ReplayPacer, emitter: inout Emitter,
        clock: ReplayClock, summary: inout Summary, progress: (Int) -> Void,
        publish: (String, [UInt8]) throws -> Void
    ) throws {
        // By time; ties keep the stored order (device, then metric), so one device's readings
        // at one time stay together.
        let order = window.indices.sorted {
            let (a, b) = (window[$0].reading.timestamp, window[$1].reading.timestamp)
            return a != b ? a < b : $0 < $1
        }
        var index = 0
        while index < order.count {
            let first = window[order[index]]
            var end = index + 1
            while end < order.count, window[order[end]].reading.timestamp == first.reading.timestamp,
                  window[order[end]].reading.device == first.reading.device {
                end += 1
            }
            let readings = order[index..<end].map { window[$0].reading }
            pacer.wait(for: first.reading.timestamp, clock: clock)
            if let messages = emitter.messages(device: first.device, readings: readings) {
                for message in messages { try publish(message.topic, message.payload) }
                summary.readings += readings.count
                summary.messages += messages.count
            } else {
                summary.skippedReadings += readings.count
                summary.skippedTypes.insert(first.device.type)
            }
            progress(readings.count)
            index = end
        }
    }

    private struct WindowOverflow: Error {}

    /// Builds the messages of one device's readings at one time.
    private struct Emitter {
        let encoding: Encoding
        let encoder = PayloadEncoder()
        var types: [String: DeviceType?] = [:]

        init(encoding: Encoding) {
            self.encoding = encoding
        }

        /// Nil when the device's type is not in the catalog.
        mutating func messages(device: Device, readings: [Reading]) -> [(topic: String, payload: [UInt8])]? {
            switch encoding {
            case .normalized:
                return readings.map { Self.normalized($0, device: device) }
            case .catalog(let catalog):
                let type: DeviceType?
                if let cached = types[device.type] {
                    type = cached
                } else {
                    type = catalog.type(named: device.type)
                    types[device.type] = type
                }
                guard let type, let timestamp = readings.first?.timestamp else { return nil }
                return encoder.encode(type: type, device: device, timestamp: timestamp,
                                      values: readings.map { ($0.metric, $0.value) })
            }
        }

        static func normalized(_ reading: Reading, device: Device) -> (topic: String, payload: [UInt8]) {
            let topic = "telemetry-bridge/replay/" + AlertTopics.escape(device.id) + "/" + AlertTopics.escape(reading.metric)
            var json = "{\"device\":" + ReplayText.jsonString(device.id) + ",\"type\":" + ReplayText.jsonString(device.type)
            json += ",\"metric\":" + ReplayText.jsonString(reading.metric) + ",\"timestamp\":" + String(reading.timestamp)
            json += ",\"at\":\"" + ReplayText.time(reading.timestamp) + "\",\"value\":"
            json += reading.value.isFinite ? ReplayText.value(reading.value) : "null"
            json += ",\"labels\":{"
            for (offset, key) in device.labels.keys.sorted().enumerated() {
                if offset > 0 { json += "," }
                json += ReplayText.jsonString(key) + ":" + ReplayText.jsonString(device.labels[key] ?? "")
            }
            json += "}}"
            return (topic, Array(json.utf8))
        }
    }
}
