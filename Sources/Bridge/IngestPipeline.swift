import Storage
import Synchronization
import Telemetry

/// Turns a batch of broker messages into readings and dead letters and commits them in one
/// transaction. It runs synchronously on the MQTT loop thread: when `ingest` returns, everything
/// in the batch is in SQLite and the client may acknowledge the messages to the broker.
public final class IngestPipeline: Sendable {
    private let catalog: DeviceCatalog
    private let decoder: MessageDecoder
    /// Device types whose payloads carry no event time: their readings are stamped on receipt.
    private let receiveTimeTypes: Set<String>
    /// Last receive-time stamp per series, to keep such readings distinct (see `makeDistinct`).
    private let lastReceiveStamp = Mutex<[SeriesKey: Int64]>([:])
    /// Devices whose series units were already handed to the store by this process.
    private let unitsSent = Mutex<Set<String>>([])
    private let store: TelemetryStore
    public let counters: IngestCounters
    private let clock: @Sendable () -> Int64

    /// - Parameter clock: wall-clock milliseconds since the epoch, injected so tests control time.
    public init(catalog: DeviceCatalog, maxPayloadBytes: Int, store: TelemetryStore, counters: IngestCounters = IngestCounters(),
                clock: @escaping @Sendable () -> Int64 = WallClock.milliseconds)
    {
        self.catalog = catalog
        receiveTimeTypes = Set(catalog.types.filter { $0.timestampPath == nil && $0.format != .senml }.map(\.name))
        self.decoder = MessageDecoder(catalog: catalog, maxPayloadBytes: maxPayloadBytes)
        self.store = store
        self.counters = counters
        self.clock = clock
    }

    /// Decodes and commits `messages`. Throws only when the commit fails; the caller must then
    /// not acknowledge the messages, so the broker redelivers them.
    @discardableResult
    public func ingest(_ messages: [InboundMessage]) throws(StorageError) -> WriteOutcome {
        counters.pending.add(messages.count, ordering: .relaxed)
        defer { counters.pending.subtract(messages.count, ordering: .relaxed) }
        var batch = IngestBatch(observedAt: clock())
        batch.readings.reserveCapacity(messages.count * 2)
        var seenDevices: [String: Int] = [:]
        for message in messages {
            var decoded = decoder.decode(message)
            if let device = decoded.device {
                if let index = seenDevices[device.id] {
                    batch.devices[index] = device
                } else {
                    seenDevices[device.id] = batch.devices.count
                    batch.devices.append(device)
                }
            }
            if let device = decoded.device, receiveTimeTypes.contains(device.type), !decoded.readings.isEmpty {
                makeDistinct(&decoded.readings)
            }
            batch.readings.append(contentsOf: decoded.readings)
            if let deadLetter = decoded.deadLetter {
                batch.deadLetters.append(deadLetter)
            }
        }
        let newDevices = addUnits(to: &batch)
        let outcome = try store.write(batch)
        if !newDevices.isEmpty {
            unitsSent.withLock { $0.formUnion(newDevices) }
        }
        counters.messages.add(messages.count, ordering: .relaxed)
        counters.readings.add(outcome.insertedReadings, ordering: .relaxed)
        counters.duplicates.add(outcome.duplicateReadings, ordering: .relaxed)
        counters.deadLetters.add(outcome.deadLetters, ordering: .relaxed)
        counters.batches.add(1, ordering: .relaxed)
        counters.lastCommitAt.store(clock(), ordering: .relaxed)
        return outcome
    }

    /// Units come from the catalog, once per device and process (the store keeps them per series).
    /// Returns the devices whose units were added, to be remembered once the batch is committed.
    private func addUnits(to batch: inout IngestBatch) -> [String] {
        let unsent = unitsSent.withLock { sent in batch.devices.filter { !sent.contains($0.id) } }
        for device in unsent {
            guard let type = catalog.type(named: device.type) else { continue }
            for metric in type.metrics {
                if let unit = metric.unit {
                    batch.units[SeriesKey(device: device.id, metric: metric.name)] = unit
                }
            }
        }
        return unsent.map(\.id)
    }

    /// A reading's identity is (device, metric, time). Readings stamped with the receive time would
    /// collide when a series gets two in one millisecond (a backlog delivered in a burst), and the
    /// second would be taken for a duplicate. Nudging the later one forward by a millisecond keeps
    /// both, in order.
    private func makeDistinct(_ readings: inout [Reading]) {
        lastReceiveStamp.withLock { last in
            for index in readings.indices {
                let key = SeriesKey(device: readings[index].device, metric: readings[index].metric)
                if let previous = last[key], readings[index].timestamp <= previous {
                    readings[index].timestamp = previous + 1
                }
                last[key] = readings[index].timestamp
            }
        }
    }
}
