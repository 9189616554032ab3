/// Everything the decoder precomputes for one device type so the per-message work is byte
/// comparisons: the path trie, slot numbers and byte forms of paths, units and map keys.
struct DecodePlan: Sendable {
    struct Metric: Sendable {
        var definition: MetricDefinition
        var unitBytes: [UInt8]?
        var map: [(key: [UInt8], value: Double)]
        /// Slot of the metric's path in `trie` (`json` only).
        var slot: Int

        func mapped(_ key: UnsafeBufferPointer<UInt8>) -> Double? {
            for entry in map where entry.key.count == key.count && entry.key.elementsEqual(key) {
                return entry.value
            }
            return nil
        }
    }

    var type: DeviceType
    var metrics: [Metric]
    /// Metric paths, timestamp and sequence (`json` only).
    var trie: PathTrie?
    var timestampSlot: Int
    var sequenceSlot: Int

    init(type: DeviceType) {
        self.type = type
        var metrics = type.metrics.map { definition in
            Metric(
                definition: definition,
                unitBytes: definition.unit.map { Array($0.utf8) },
                map: definition.valueMap.sorted { $0.key < $1.key }.map { (Array($0.key.utf8), $0.value) },
                slot: -1
            )
        }
        timestampSlot = -1
        sequenceSlot = -1
        guard type.format == .json else {
            self.metrics = metrics
            trie = nil
            return
        }
        func segments(_ path: String) -> [String] {
            path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        }
        var paths = type.metrics.map { segments($0.path) }
        if let timestamp = type.timestampPath { paths.append(segments(timestamp)) }
        if let sequence = type.sequencePath { paths.append(segments(sequence)) }
        let trie = PathTrie(paths: paths)
        let slots = PathTrie.slots(for: paths, in: trie)
        for index in metrics.indices { metrics[index].slot = slots[index] }
        var next = metrics.count
        if type.timestampPath != nil {
            timestampSlot = slots[next]
            next += 1
        }
        if type.sequencePath != nil { sequenceSlot = slots[next] }
        self.metrics = metrics
        self.trie = trie
    }
}
