/// Builds the messages a device of a catalogued type would publish: the inverse of
/// `MessageDecoder`, used by the simulator and by `replay --publish`. Decoding its output gives
/// back the same readings.
public struct PayloadEncoder: Sendable {
    public init() {}

    /// The topic and payload of each message carrying `values` at `timestamp` (epoch ms).
    ///
    /// - `json`: one object with every metric at its path (nested objects for dotted paths,
    ///   arrays for numeric segments), plus the timestamp (epoch ms) and sequence when the type
    ///   declares their paths.
    /// - `value`: one message per metric, on the topic with `{metric}` set to the metric's path;
    ///   the payload carries no time, so the receiver stamps it.
    /// - `senml`: one pack whose first record carries `bn` (`"<device>:"`) and `bt` (seconds).
    ///
    /// Values of metrics the type does not declare are left out. A value equal to an entry of
    /// the metric's `map` is written as that entry's word.
    public func encode(
        type: DeviceType, device: Device, timestamp: Int64, values: [(metric: String, value: Double)],
        sequence: Int64? = nil
    ) -> [(topic: String, payload: [UInt8])] {
        let known = values.compactMap { entry in type.metric(named: entry.metric).map { ($0, entry.value) } }
        switch type.format {
        case .json:
            let topic = type.topic.render(device: device.id, labels: device.labels)
            return [(topic, json(type: type, timestamp: timestamp, values: known, sequence: sequence))]
        case .value:
            return known.map { metric, value in
                let topic = type.topic.render(device: device.id, labels: device.labels, metric: metric.path)
                let text = Self.word(for: value, in: metric) ?? JSONWriter.number(value)
                return (topic, Array(text.utf8))
            }
        case .senml:
            let topic = type.topic.render(device: device.id, labels: device.labels)
            return [(topic, senML(device: device, timestamp: timestamp, values: known))]
        }
    }

    private func json(
        type: DeviceType, timestamp: Int64, values: [(MetricDefinition, Double)], sequence: Int64?
    ) -> [UInt8] {
        let root = TreeNode()
        if let path = type.timestampPath { root.insert(path: path, leaf: String(timestamp)) }
        if let path = type.sequencePath, let sequence { root.insert(path: path, leaf: String(sequence)) }
        for (metric, value) in values {
            var leaf: [UInt8] = []
            if let word = Self.word(for: value, in: metric) {
                JSONWriter.appendString(word, to: &leaf)
            } else {
                JSONWriter.appendNumber(value, to: &leaf)
            }
            root.insert(path: metric.path, leaf: String(decoding: leaf, as: UTF8.self))
        }
        var buffer: [UInt8] = []
        root.write(to: &buffer)
        return buffer
    }

    private func senML(device: Device, timestamp: Int64, values: [(MetricDefinition, Double)]) -> [UInt8] {
        var buffer: [UInt8] = [UInt8(ascii: "[")]
        for (index, (metric, value)) in values.enumerated() {
            buffer.append(contentsOf: index == 0 ? Array("{\"bn\":".utf8) : Array(",{".utf8))
            if index == 0 {
                JSONWriter.appendString(device.id + ":", to: &buffer)
                buffer.append(contentsOf: Array(",\"bt\":".utf8))
                JSONWriter.appendNumber(Double(timestamp) / 1_000, to: &buffer)
                buffer.append(UInt8(ascii: ","))
            }
            buffer.append(contentsOf: Array("\"n\":".utf8))
            JSONWriter.appendString(metric.path, to: &buffer)
            if let unit = metric.unit {
                buffer.append(contentsOf: Array(",\"u\":".utf8))
                JSONWriter.appendString(unit, to: &buffer)
            }
            if let word = Self.word(for: value, in: metric) {
                buffer.append(contentsOf: Array(",\"vs\":".utf8))
                JSONWriter.appendString(word, to: &buffer)
            } else {
                buffer.append(contentsOf: Array(",\"v\":".utf8))
                JSONWriter.appendNumber(value, to: &buffer)
            }
            buffer.append(UInt8(ascii: "}"))
        }
        buffer.append(UInt8(ascii: "]"))
        return buffer
    }

    /// The first (alphabetically) map word whose number is `value`.
    private static func word(for value: Double, in metric: MetricDefinition) -> String? {
        metric.valueMap.filter { $0.value == value }.keys.min()
    }

    /// An object (or array, when every key is an index) being assembled from dotted paths.
    private final class TreeNode {
        enum Child {
            case leaf(String)
            case node(TreeNode)
        }

        var entries: [(key: String, child: Child)] = []

        func insert(path: String, leaf: String) {
            var node = self
            let segments = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            for (index, segment) in segments.enumerated() {
                if index == segments.count - 1 {
                    if let existing = node.entries.firstIndex(where: { $0.key == segment }) {
                        node.entries[existing].child = .leaf(leaf)
                    } else {
                        node.entries.append((segment, .leaf(leaf)))
                    }
                } else if let existing = node.entries.firstIndex(where: { $0.key == segment }),
                          case .node(let child) = node.entries[existing].child {
                    node = child
                } else {
                    let child = TreeNode()
                    if let existing = node.entries.firstIndex(where: { $0.key == segment }) {
                        node.entries[existing].child = .node(child)
                    } else {
                        node.entries.append((segment, .node(child)))
                    }
                    node = child
                }
            }
        }

        /// Writes an array when every key is an index (never for the payload's root object).
        func write(to buffer: inout [UInt8], isRoot: Bool = true) {
            let indices = entries.map { entry in entry.key.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && entry.key.utf8.count <= 6 ? Int(entry.key) : nil }
            if !isRoot, !entries.isEmpty, indices.allSatisfy({ $0 != nil }) {
                let byIndex = Dictionary(zip(indices.compactMap { $0 }, entries.map(\.child)), uniquingKeysWith: { _, last in last })
                let count = (byIndex.keys.max() ?? -1) + 1
                buffer.append(UInt8(ascii: "["))
                for index in 0..<count {
                    if index > 0 { buffer.append(UInt8(ascii: ",")) }
                    if let child = byIndex[index] { Self.write(child, to: &buffer) } else { buffer.append(contentsOf: Array("null".utf8)) }
                }
                buffer.append(UInt8(ascii: "]"))
                return
            }
            buffer.append(UInt8(ascii: "{"))
            for (index, entry) in entries.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                JSONWriter.appendString(entry.key, to: &buffer)
                buffer.append(UInt8(ascii: ":"))
                Self.write(entry.child, to: &buffer)
            }
            buffer.append(UInt8(ascii: "}"))
        }

        private static func write(_ child: Child, to buffer: inout [UInt8]) {
            switch child {
            case .leaf(let text): buffer.append(contentsOf: text.utf8)
            case .node(let node): node.write(to: &buffer, isRoot: false)
            }
        }
    }
}
