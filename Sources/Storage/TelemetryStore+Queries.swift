import Foundation
import GRDB
import Telemetry

extension TelemetryStore {
    /// Runs `body` in a read transaction on a reader connection, mapping database failures.
    func read<T>(_ body: (Database) throws -> T) throws(StorageError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StorageError(error, path: path)
        }
    }

    /// The readings of one series in `[from, to)`, oldest first (empty for an unknown series).
    public func readings(device: String, metric: String, from: Int64? = nil, to: Int64? = nil) throws(StorageError) -> [Reading] {
        guard let bounds = Self.inclusiveBounds(from: from, to: to) else { return [] }
        return try read { db in
            let seriesID = try RawStatement(db, sql: "SELECT id FROM series WHERE device = ? AND metric = ?")
            try seriesID.bind(1, device)
            try seriesID.bind(2, metric)
            guard try seriesID.step() else { return [] }
            let id = seriesID.int64(0)
            seriesID.reset()
            let statement = try RawStatement(db, sql: """
                SELECT ts, value FROM readings WHERE series_id = ?1 AND ts >= ?2 AND ts <= ?3
                UNION ALL
                SELECT ts, value FROM recent_readings WHERE series_id = ?1 AND ts >= ?2 AND ts <= ?3
                ORDER BY 1
                """)
            try statement.bind(1, id)
            try statement.bind(2, bounds.lower)
            try statement.bind(3, bounds.upper)
            var result: [Reading] = []
            while try statement.step() {
                result.append(Reading(device: device, metric: metric, timestamp: statement.int64(0), value: statement.double(1)))
            }
            return result
        }
    }

    /// Every known device, ordered by id.
    public func devices() throws(StorageError) -> [StoredDevice] {
        let path = self.path
        return try read { db in
            let statement = try RawStatement(db, sql: "SELECT id, type, labels, first_seen, last_seen FROM devices ORDER BY id")
            var result: [StoredDevice] = []
            while try statement.step() {
                let id = statement.string(0)
                guard let labels = LabelsColumn.decode(statement.string(2)) else {
                    statement.reset()
                    throw StorageError.corrupt(path: path, message: "labels of device '\(id)' are not a JSON object of strings")
                }
                result.append(StoredDevice(
                    id: id, type: statement.string(1), labels: labels,
                    firstSeen: statement.int64(3), lastSeen: statement.int64(4)))
            }
            return result
        }
    }

    /// Every series, ordered by device then metric.
    public func series() throws(StorageError) -> [StoredSeries] {
        try read { db in try Self.allSeries(db) }
    }

    /// The series of one device, ordered by metric (empty for an unknown device).
    public func series(device: String) throws(StorageError) -> [StoredSeries] {
        try read { db in
            let statement = try RawStatement(db, sql: "SELECT id, device, metric, unit FROM series WHERE device = ? ORDER BY metric")
            try statement.bind(1, device)
            var result: [StoredSeries] = []
            while try statement.step() {
                result.append(StoredSeries(
                    id: statement.int64(0), device: statement.string(1),
                    metric: statement.string(2), unit: statement.optionalString(3)))
            }
            return result
        }
    }

    static func allSeries(_ db: Database) throws -> [StoredSeries] {
        let statement = try RawStatement(db, sql: "SELECT id, device, metric, unit FROM series ORDER BY device, metric")
        var result: [StoredSeries] = []
        while try statement.step() {
            result.append(StoredSeries(
                id: statement.int64(0), device: statement.string(1),
                metric: statement.string(2), unit: statement.optionalString(3)))
        }
        return result
    }

    /// The number of stored readings (scans the table: meant for checks and tests, not dashboards).
    public func readingCount() throws(StorageError) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM readings) + (SELECT count(*) FROM recent_readings)") ?? 0
        }
    }

    /// Dead letters matching `filter`, oldest first (newest first when the filter says so).
    public func deadLetters(filter: DeadLetterFilter = .init()) throws(StorageError) -> [StoredDeadLetter] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let reason = filter.reason {
            conditions.append("reason = ?")
            arguments += [reason]
        }
        if let prefix = filter.topicPrefix, !prefix.isEmpty {
            conditions.append("substr(topic, 1, length(?)) = ?")
            arguments += [prefix, prefix]
        }
        if let from = filter.from {
            conditions.append("received_at >= ?")
            arguments += [from]
        }
        if let to = filter.to {
            conditions.append("received_at < ?")
            arguments += [to]
        }
        if filter.unresolvedOnly {
            conditions.append("resolved_at IS NULL")
        }
        var sql = "SELECT id, received_at, topic, payload, reason, detail, resolved_at FROM dead_letters"
        if !conditions.isEmpty {
            sql += " WHERE " + conditions.joined(separator: " AND ")
        }
        sql += filter.newestFirst ? " ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?" : " ORDER BY received_at, id LIMIT ? OFFSET ?"
        arguments += [filter.limit.map { max(0, $0) } ?? -1, max(0, filter.offset)]
        let finalSQL = sql
        let finalArguments = arguments
        return try read { db in
            try Row.fetchAll(db, sql: finalSQL, arguments: finalArguments).map { row in
                StoredDeadLetter(
                    id: row[0], receivedAt: row[1], topic: row[2],
                    payload: Array((row[3] as Data?) ?? Data()), reason: row[4], detail: row[5], resolvedAt: row[6])
            }
        }
    }

    /// The number of stored dead letters, resolved or not.
    public func deadLetterCount() throws(StorageError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM dead_letters") ?? 0 }
    }

    /// Stored dead letters per reason code.
    public func deadLetterCountsByReason() throws(StorageError) -> [String: Int] {
        try read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT reason, count(*) FROM dead_letters GROUP BY reason") {
                counts[row[0]] = row[1]
            }
            return counts
        }
    }

    /// Marks dead letters resolved (e.g. after re-decoding them into readings); returns how many
    /// were unresolved and are now resolved.
    @discardableResult
    public func resolveDeadLetters(ids: [Int64], at resolvedAt: Int64) throws(StorageError) -> Int {
        guard !ids.isEmpty else { return 0 }
        do {
            return try writerState.withLock { _ in
                try pool.write { db in
                    let statement = try RawStatement(db, sql: "UPDATE dead_letters SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL")
                    var changed = 0
                    for id in ids {
                        try statement.bind(1, resolvedAt)
                        try statement.bind(2, id)
                        changed += try statement.execute()
                    }
                    return changed
                }
            }
        } catch {
            throw StorageError(error, path: path)
        }
    }
}
