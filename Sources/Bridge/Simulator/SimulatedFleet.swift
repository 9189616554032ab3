import Telemetry

/// The simulated devices and their signals. Pure and deterministic: given the seed and the
/// timestamps asked for, it produces the same messages, so tests can assert on them.
public struct SimulatedFleet: Sendable {
    public struct Message: Sendable, Hashable {
        public var topic: String
        public var payload: [UInt8]
        /// What the message was made to be, so tests and the demo can count it.
        public var kind: Kind
    }

    public enum Kind: Sendable, Hashable {
        case normal, malformed, outOfRange
    }

    struct Member: Sendable {
        var type: DeviceType
        var device: Device
        var signals: [SignalModel]
        var last: [Double?]
        var anomaly: Anomaly = .none
    }

    enum Anomaly: Sendable, Equatable {
        case none
        case spike(until: Int64)
        case stuck(until: Int64, values: [Double])
        case silent(until: Int64)
    }

    private(set) var members: [Member]
    private var rng: SplitMix64
    private var next = 0
    private let encoder = PayloadEncoder()
    private let configuration: SimulatorConfiguration

    public init(catalog: DeviceCatalog, configuration: SimulatorConfiguration) {
        self.configuration = configuration
        rng = SplitMix64(seed: configuration.seed)
        members = []
        for type in catalog.types where configuration.types?.contains(type.name) ?? true {
            let prefix = type.name.split(separator: "-").first.map(String.init) ?? type.name
            for index in 1...max(1, configuration.devicesPerType) {
                let id = prefix + "-" + String(repeating: "0", count: max(0, 3 - String(index).count)) + String(index)
                var labels: [String: String] = [:]
                for label in type.topic.labels {
                    labels[label] = Self.labelValue(label, index: index)
                }
                let signals = type.metrics.map { SignalModel(metric: $0, rng: &rng) }
                members.append(Member(type: type, device: Device(id: id, type: type.name, labels: labels),
                                      signals: signals, last: Array(repeating: nil, count: signals.count)))
            }
        }
    }

    public var devices: [Device] { members.map(\.device) }

    /// The messages of the next device in turn, sampled at `timestamp` (ms). Empty when that
    /// device is silent; a value-format device gives one message per metric.
    public mutating func nextMessages(at timestamp: Int64) -> [Message] {
        guard !members.isEmpty else { return [] }
        let index = next
        next = (next + 1) % members.count
        return sample(index, at: timestamp)
    }

    mutating func sample(_ index: Int, at timestamp: Int64) -> [Message] {
        var member = members[index]
        defer { members[index] = member }
        updateAnomaly(&member, at: timestamp)
        if case .silent = member.anomaly { return [] }
        var values: [(metric: String, value: Double)] = []
        let spiking = if case .spike = member.anomaly { true } else { false }
        for (position, metric) in member.type.metrics.enumerated() {
            let value: Double
            if case .stuck(_, let frozen) = member.anomaly, position < frozen.count {
                value = frozen[position]
            } else {
                value = member.signals[position].value(at: timestamp, previous: member.last[position],
                                                      spiking: spiking, rng: &rng)
            }
            member.last[position] = value
            values.append((metric.name, value))
        }
        var messages = encoder.encode(type: member.type, device: member.device, timestamp: timestamp, values: values)
            .map { Message(topic: $0.topic, payload: $0.payload, kind: .normal) }
        if configuration.malformedShare > 0, !messages.isEmpty,
           Double.random(in: 0..<1, using: &rng) < configuration.malformedShare
        {
            let victim = Int.random(in: 0..<messages.count, using: &rng)
            messages[victim] = corrupt(messages[victim], member: member, timestamp: timestamp)
        }
        return messages
    }

    private mutating func updateAnomaly(_ member: inout Member, at timestamp: Int64) {
        switch member.anomaly {
        case .spike(let until), .stuck(let until, _), .silent(let until):
            if timestamp >= until { member.anomaly = .none }
        case .none:
            break
        }
        guard configuration.anomalies, member.anomaly == .none,
              Double.random(in: 0..<1, using: &rng) < 0.004
        else { return }
        let length = Int64.random(in: 180_000...420_000, using: &rng)
        switch Int.random(in: 0..<4, using: &rng) {
        case 0, 1: member.anomaly = .spike(until: timestamp + length)
        case 2: member.anomaly = .stuck(until: timestamp + length, values: member.last.map { $0 ?? 0 })
        default: member.anomaly = .silent(until: timestamp + length)
        }
    }

    private mutating func corrupt(_ message: Message, member: Member, timestamp: Int64) -> Message {
        if Bool.random(using: &rng), let metric = member.type.metrics.first(where: { $0.max != nil }),
           let max = metric.max
        {
            var values = member.type.metrics.enumerated().map { (metric: $1.name, value: member.last[$0] ?? 0) }
            if let position = values.firstIndex(where: { $0.metric == metric.name }) {
                values[position].value = max + 50
                let encoded = encoder.encode(type: member.type, device: member.device, timestamp: timestamp, values: values)
                let wanted = member.type.format == .value ? "/" + metric.name : ""
                if let match = encoded.first(where: { $0.topic.hasSuffix(wanted) }) {
                    return Message(topic: match.topic, payload: match.payload, kind: .outOfRange)
                }
            }
        }
        var corrupted = message
        corrupted.kind = .malformed
        // Truncating a plain number can leave a valid number, so value payloads get other damage.
        let choice = Int.random(in: member.type.format == .value ? 1..<3 : 0..<3, using: &rng)
        switch choice {
        case 0: corrupted.payload = Array(message.payload.prefix(Swift.max(1, message.payload.count / 2)))
        case 1: corrupted.payload = Array("sensor rebooting".utf8)
        default: corrupted.payload = [0xFF, 0xFE] + Array("garbage".utf8)
        }
        return corrupted
    }

    static func labelValue(_ label: String, index: Int) -> String {
        switch label {
        case "site": ["north", "south"][index % 2]
        case "room": ["kitchen", "living", "bedroom", "office"][index % 4]
        case "floor": String(index % 3)
        default: "\(label)-\(index % 3)"
        }
    }
}
