import Storage
import Telemetry

/// Re-decodes dead letters with the current device catalog (after it was fixed) and stores what
/// now decodes cleanly: the readings are written (idempotently: a reading already stored is not
/// stored again) and the dead letter is marked resolved. Those that still fail stay unresolved and
/// are counted by their new reason.
///
/// Run it with the daemon stopped or running: it is one more writer on the database, and the
/// store's inserts tolerate another connection creating the same devices and series.
public struct DeadLetterRecovery: Sendable {
    public struct Report: Sendable, Hashable {
        /// Dead letters looked at.
        public var examined = 0
        /// Dead letters that now decode cleanly, stored and marked resolved.
        public var recovered = 0
        /// Readings newly stored from them (duplicates of stored readings are not counted).
        public var readings = 0
        /// Dead letters still failing, by the reason code they fail with now.
        public var stillFailing: [String: Int] = [:]
        /// One example detail per still-failing reason, to show why.
        public var examples: [String: String] = [:]
    }

    private let store: TelemetryStore
    private let catalog: DeviceCatalog
    private let decoder: MessageDecoder

    public init(store: TelemetryStore, catalog: DeviceCatalog, maxPayloadBytes: Int = 65536) {
        self.store = store
        self.catalog = catalog
        decoder = MessageDecoder(catalog: catalog, maxPayloadBytes: maxPayloadBytes)
    }

    /// Replays the unresolved dead letters that `filter` selects, a page at a time.
    public func run(filter: DeadLetterFilter = DeadLetterFilter(), resolvedAt: Int64,
                    pageSize: Int = 500) throws(StorageError) -> Report
    {
        var report = Report()
        var page = filter
        page.unresolvedOnly = true
        page.offset = filter.offset
        let limit = filter.limit
        while limit.map({ report.examined < $0 }) ?? true {
            page.limit = min(pageSize, limit.map { $0 - report.examined } ?? pageSize)
            let letters = try store.deadLetters(filter: page)
            if letters.isEmpty { break }
            var batch = IngestBatch(observedAt: resolvedAt)
            var devices: [String: Device] = [:]
            var resolved: [Int64] = []
            for letter in letters {
                report.examined += 1
                let decoded = decoder.decode(InboundMessage(topic: letter.topic, payload: letter.payload,
                                                            receivedAt: letter.receivedAt))
                if decoded.deadLetter == nil, let device = decoded.device, !decoded.readings.isEmpty {
                    devices[device.id] = device
                    batch.readings += decoded.readings
                    resolved.append(letter.id)
                } else {
                    let reason = decoded.deadLetter?.code ?? "unexpected_shape"
                    report.stillFailing[reason, default: 0] += 1
                    report.examples[reason] = report.examples[reason] ?? decoded.deadLetter?.detail
                }
            }
            batch.devices = Array(devices.values)
            batch.units = catalog.units(for: batch.devices)
            if !batch.readings.isEmpty {
                report.readings += try store.write(batch).insertedReadings
            }
            if !resolved.isEmpty {
                report.recovered += try store.resolveDeadLetters(ids: resolved, at: resolvedAt)
            }
            // Resolved ones leave the unresolved set; the ones still failing stay ahead of the next page.
            page.offset += letters.count - resolved.count
        }
        return report
    }
}
