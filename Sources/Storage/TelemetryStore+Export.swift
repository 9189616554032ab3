import Telemetry
import GRDB

extension TelemetryStore {
    /// Streams the readings selected by `filter` to `body`, ordered by device, metric, timestamp.
    ///
    /// Memory does not grow with the database: the series list and the not yet compacted recent
    /// readings (at most about ``StoreConfiguration/compactionThreshold``) are read first, then
    /// each series' readings are stepped through with one prepared statement. Runs in one read
    /// transaction (a consistent snapshot) on a reader connection, so ingest is never blocked.
    ///
    /// - Returns: The number of rows passed to `body`.
    /// - Throws: ``StorageError`` for database failures; errors thrown by `body` stop the export
    ///   and are rethrown unchanged.
    @discardableResult
    public func exportReadings(_ filter: ReadingFilter, _ body: (ExportRow) throws -> Void) throws -> Int {
        let path = self.path
        do {
            return try pool.read { db in
                let selected = try selectSeries(db, filter: filter)
                guard !selected.isEmpty else { return 0 }
                guard let bounds = Self.inclusiveBounds(from: filter.from, to: filter.to) else { return 0 }
                var recent = try recentReadings(db, of: selected, bounds: bounds)
                let readings = try RawStatement(db, sql: """
                    SELECT ts, value FROM readings WHERE series_id = ?1 AND ts >= ?2 AND ts <= ?3 ORDER BY ts
                    """)
                var count = 0
                for series in selected {
                    try readings.bind(1, series.id)
                    try readings.bind(2, bounds.lower)
                    try readings.bind(3, bounds.upper)
                    var row = ExportRow(
                        device: series.device, deviceType: series.deviceType, metric: series.metric,
                        unit: series.unit, timestamp: 0, value: 0, labels: series.labels)
                    // Merge the series' compacted readings with its recent ones (disjoint, both by time).
                    let pending = recent.removeValue(forKey: series.id) ?? []
                    var next = 0
                    do {
                        while try readings.step() {
                            let timestamp = readings.int64(0)
                            while next < pending.count, pending[next].timestamp < timestamp {
                                row.timestamp = pending[next].timestamp
                                row.value = pending[next].value
                                try body(row)
                                next += 1
                            }
                            row.timestamp = timestamp
                            row.value = readings.double(1)
                            try body(row)
                            count += 1
                        }
                    } catch {
                        readings.reset()
                        throw error
                    }
                    while next < pending.count {
                        row.timestamp = pending[next].timestamp
                        row.value = pending[next].value
                        try body(row)
                        next += 1
                    }
                    count += pending.count
                }
                return count
            }
        } catch let error as DatabaseError {
            throw StorageError(error, path: path)
        }
    }

    /// The not yet compacted readings of the selected series within the bounds, by series id,
    /// each list in time order. Bounded by the compaction threshold, whatever the database size.
    func recentReadings(
        _ db: Database, of selected: [SelectedSeries], bounds: (lower: Int64, upper: Int64)
    ) throws -> [Int64: [(timestamp: Int64, value: Double)]] {
        let ids = Set(selected.map(\.id))
        let statement = try RawStatement(db, sql: """
            SELECT series_id, ts, value FROM recent_readings WHERE ts >= ? AND ts <= ? ORDER BY ts
            """)
        try statement.bind(1, bounds.lower)
        try statement.bind(2, bounds.upper)
        var result: [Int64: [(timestamp: Int64, value: Double)]] = [:]
        while try statement.step() {
            let id = statement.int64(0)
            guard ids.contains(id) else { continue }
            result[id, default: []].append((statement.int64(1), statement.double(2)))
        }
        return result
    }

    struct SelectedSeries {
        var id: Int64
        var device: String
        var deviceType: String
        var metric: String
        var unit: String?
        var labels: [String: String]
    }

    /// The series matching the filter's devices and metrics, ordered by device then metric
    /// (SQLite's binary text order), each device's labels decoded once.
    func selectSeries(_ db: Database, filter: ReadingFilter) throws -> [SelectedSeries] {
        let patterns = filter.devices?.map(GlobPattern.init)
        let metrics = filter.metrics.map(Set.init)
        let statement = try RawStatement(db, sql: """
            SELECT s.id, s.device, d.type, d.labels, s.metric, s.unit
            FROM series s JOIN devices d ON d.id = s.device
            ORDER BY s.device, s.metric
            """)
        var selected: [SelectedSeries] = []
        var lastDevice: String?
        var lastIncluded = false
        var lastLabels: [String: String] = [:]
        while try statement.step() {
            let device = statement.string(1)
            if device != lastDevice {
                lastDevice = device
                lastIncluded = patterns.map { $0.contains { $0.matches(device) } } ?? true
                if lastIncluded {
                    let text = statement.string(3)
                    guard let labels = LabelsColumn.decode(text) else {
                        statement.reset()
                        throw StorageError.corrupt(path: path, message: "labels of device '\(device)' are not a JSON object of strings")
                    }
                    lastLabels = labels
                }
            }
            guard lastIncluded else { continue }
            let metric = statement.string(4)
            if let metrics, !metrics.contains(metric) { continue }
            selected.append(SelectedSeries(
                id: statement.int64(0), device: device, deviceType: statement.string(2),
                metric: metric, unit: statement.optionalString(5), labels: lastLabels))
        }
        return selected
    }

    /// `[from, to)` as inclusive bounds over all of Int64, or nil when the range is empty.
    static func inclusiveBounds(from: Int64?, to: Int64?) -> (lower: Int64, upper: Int64)? {
        let lower = from ?? .min
        let upper: Int64
        if let to {
            guard to > .min else { return nil }
            upper = to - 1
        } else {
            upper = .max
        }
        return lower <= upper ? (lower, upper) : nil
    }
}
