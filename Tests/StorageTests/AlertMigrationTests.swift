import Foundation
import GRDB
@testable import Storage
import Telemetry
import XCTest

/// A database written by a binary that only knew the v1 migrations.
final class AlertMigrationTests: StoreTestCase {
    private func makeV1Database(_ name: String) throws -> String {
        try databaseMigrated(upTo: "v1-dead-letters", name: name) { db in
            try db.execute(sql: """
                INSERT INTO devices(id, type, labels, first_seen, last_seen) VALUES ('gh-1', 'climate', '{"site":"north"}', 1, 2);
                INSERT INTO series(id, device, metric, unit) VALUES (1, 'gh-1', 'temperature', '°C');
                INSERT INTO readings(series_id, ts, value) VALUES (1, 1000, 20.5);
                INSERT INTO recent_readings(ts, series_id, value) VALUES (2000, 1, 21.5);
                """)
        }
    }

    func testV1DatabaseIsMigratedKeepingItsReadingsAndTakesAlerts() throws {
        let path = try makeV1Database("v1.sqlite")
        let store = try TelemetryStore(path: path)
        let migrations = try store.pool.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
        XCTAssertEqual(migrations, ["v1-dead-letters", "v1-readings", "v2-alerts", "v3-rollups", "v4-alert-deliveries", "v5-delivery-refusals", "v6-operator-events", "v7-sink-silences"])
        XCTAssertEqual(try store.readings(device: "gh-1", metric: "temperature").map(\.value), [20.5, 21.5])
        XCTAssertEqual(try store.alertCount(), 0)

        let raised = AlertRecord(
            id: "0190a000-0000-7000-8000-000000000001", type: .raised, alert: "Hot", device: "gh-1",
            severity: "critical", at: 2000, value: 21.5, event: #"{"type":"AlertRaised"}"#)
        let outcome = try store.write(IngestBatch(readings: [Reading("gh-1", "temperature", 3000, 22.5)], observedAt: 3, alerts: [raised]))
        XCTAssertEqual(outcome.alerts, 1)
        XCTAssertEqual(outcome.insertedReadings, 1)
        XCTAssertEqual(try store.firingAlerts(), [raised])

        // A second open finds nothing left to migrate.
        let reopened = try TelemetryStore(path: path, configuration: .init(readOnly: true))
        XCTAssertEqual(try reopened.alerts(), [raised])
    }

    func testReadOnlyOpenOfV1DatabaseNamesTheMissingMigration() throws {
        let path = try makeV1Database("v1-ro.sqlite")
        XCTAssertThrowsError(try TelemetryStore(path: path, configuration: .init(readOnly: true))) { error in
            XCTAssertEqual(error as? StorageError, .schemaNotMigrated(path: path, pendingMigrations: ["v2-alerts", "v3-rollups", "v4-alert-deliveries", "v5-delivery-refusals", "v6-operator-events", "v7-sink-silences"]))
        }
    }
}
