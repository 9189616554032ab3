import Foundation
import GRDB
@testable import Storage
import Telemetry
import XCTest

/// A database written by a binary that only knew the migrations up to v2 gets its rollups backfilled.
final class RollupMigrationTests: StoreTestCase {
    func testV2DatabaseGetsRollupsBackfilledFromBothReadingTables() throws {
        var generator = SplitMix64(seed: 7)
        var readings: [Reading] = []
        let path = try databaseMigrated(upTo: "v2-alerts", name: "v2.sqlite") { db in
            try db.execute(sql: """
                INSERT INTO devices(id, type, labels, first_seen, last_seen) VALUES ('gh-1', 'climate', '{}', 1, 2);
                INSERT INTO series(id, device, metric, unit) VALUES (1, 'gh-1', 'temperature', NULL), (2, 'gh-1', 'humidity', NULL);
                """)
            var seen = Set<String>()
            for index in 0..<2000 {
                let metric = index % 2 == 0 ? "temperature" : "humidity"
                let ts = Int64.random(in: -7_200_000...10_800_000, using: &generator)
                guard seen.insert("\(metric)/\(ts)").inserted else { continue }
                let value = Double(Int.random(in: -100...100, using: &generator)) / 2
                readings.append(Reading("gh-1", metric, ts, value))
                // Half compacted, half still in the recent table.
                let table = index % 4 < 2 ? "readings" : "recent_readings"
                try db.execute(
                    sql: "INSERT INTO \(table)(series_id, ts, value) VALUES (?, ?, ?)",
                    arguments: [metric == "temperature" ? 1 : 2, ts, value])
            }
            try db.execute(sql: "INSERT INTO readings(series_id, ts, value) VALUES (1, 1, 9e999)")
        }
        readings.append(Reading("gh-1", "temperature", 1, .infinity))
        let store = try TelemetryStore(path: path)
        XCTAssertEqual(try store.readings(device: "gh-1", metric: "temperature", from: 1, to: 2).map(\.value), [.infinity])
        for metric in ["temperature", "humidity"] {
            try assertRollups(store, device: "gh-1", metric: metric, equal: readings.filter { $0.metric == metric })
        }
        // And the writer carries on from the backfilled state.
        _ = try store.write(IngestBatch(readings: [Reading("gh-1", "humidity", 42, 1), readings[1]], observedAt: 5))
        try assertRollups(
            store, device: "gh-1", metric: "humidity",
            equal: readings.filter { $0.metric == "humidity" } + [Reading("gh-1", "humidity", 42, 1)])
    }
}
