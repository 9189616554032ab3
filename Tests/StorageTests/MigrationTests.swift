import Foundation
import GRDB
@testable import Storage
import Telemetry
import XCTest

final class MigrationTests: StoreTestCase {
    func testFreshFileGetsEveryTableAndMigration() throws {
        let store = try openStore()
        let (tables, migrations, journal) = try store.pool.read { db in
            (
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name"),
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier"),
                try String.fetchOne(db, sql: "PRAGMA journal_mode")
            )
        }
        XCTAssertEqual(Set(tables), ["alert_deliveries", "alert_delivery_refusals", "alerts", "all_readings", "dead_letters", "devices", "grdb_migrations", "readings", "recent_readings", "rollups_1h", "rollups_1m", "series", "sink_silences"])
        XCTAssertEqual(migrations, ["v1-dead-letters", "v1-readings", "v2-alerts", "v3-rollups", "v4-alert-deliveries", "v5-delivery-refusals", "v6-operator-events", "v7-sink-silences"])
        XCTAssertEqual(journal, "wal")
    }

    func testPragmasFollowConfiguration() throws {
        let normal = try openStore("normal.sqlite")
        let full = try openStore("full.sqlite", configuration: .init(durability: .full, busyTimeout: 2))
        let read: (TelemetryStore) throws -> (Int, Int, Int) = { store in
            try store.pool.writeWithoutTransaction { db in
                (
                    try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1,
                    try Int.fetchOne(db, sql: "PRAGMA foreign_keys") ?? -1,
                    try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? -1
                )
            }
        }
        let (normalSync, normalKeys, normalTimeout) = try read(normal)
        XCTAssertEqual(normalSync, 1)
        XCTAssertEqual(normalKeys, 1)
        XCTAssertEqual(normalTimeout, 5000)
        let (fullSync, _, fullTimeout) = try read(full)
        XCTAssertEqual(fullSync, 2)
        XCTAssertEqual(fullTimeout, 2000)
    }

    func testReopeningKeepsDataAndDoesNotMigrateAgain() throws {
        do {
            let store = try openStore()
            _ = try store.write(IngestBatch(
                devices: [Device(id: "gh-1", type: "climate")],
                readings: [Reading("gh-1", "temperature", 1000, 21.5)], observedAt: 5))
        }
        let reopened = try openStore()
        XCTAssertEqual(try reopened.readings(device: "gh-1", metric: "temperature").map(\.value), [21.5])
        XCTAssertEqual(try reopened.devices().map(\.id), ["gh-1"])
    }

    func testCreatesMissingParentDirectories() throws {
        let path = directory.path("a/b/c/telemetry.sqlite")
        _ = try TelemetryStore(path: path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
    }

    func testNonDatabaseFileIsRejectedNamingThePath() throws {
        let path = directory.path("notes.sqlite")
        try Data(String(repeating: "this is not a database\n", count: 200).utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try TelemetryStore(path: path)) { error in
            XCTAssertEqual(error as? StorageError, .notADatabase(path: path))
            XCTAssertTrue(String(describing: error).contains(path))
        }
    }

    func testDatabaseFromNewerBinaryIsRejected() throws {
        let path = directory.path("newer.sqlite")
        do {
            let store = try TelemetryStore(path: path)
            try store.pool.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v9-future')")
            }
        }
        XCTAssertThrowsError(try TelemetryStore(path: path)) { error in
            XCTAssertEqual(error as? StorageError, .newerSchema(path: path, unknownMigrations: ["v9-future"]))
            XCTAssertTrue(String(describing: error).contains(path))
        }
    }

    func testReadOnlyOpenOfUnmigratedDatabaseFails() throws {
        let path = directory.path("plain.sqlite")
        let queue = try DatabaseQueue(path: path, configuration: { var c = Configuration(); c.journalMode = .wal; return c }())
        try queue.write { try $0.execute(sql: "CREATE TABLE unrelated(x)") }
        try queue.close()
        XCTAssertThrowsError(try TelemetryStore(path: path, configuration: .init(readOnly: true))) { error in
            XCTAssertEqual(error as? StorageError, .schemaNotMigrated(path: path, pendingMigrations: ["v1-readings", "v1-dead-letters", "v2-alerts", "v3-rollups", "v4-alert-deliveries", "v5-delivery-refusals", "v6-operator-events", "v7-sink-silences"]))
        }
    }

    func testReadOnlyStoreReadsButCannotWrite() throws {
        let path = directory.path("ro.sqlite")
        do {
            let store = try TelemetryStore(path: path)
            _ = try store.write(IngestBatch(readings: [Reading("d", "m", 1, 2)], observedAt: 1))
        }
        let readOnly = try TelemetryStore(path: path, configuration: .init(readOnly: true))
        XCTAssertEqual(try readOnly.readingCount(), 1)
        XCTAssertThrowsError(try readOnly.write(IngestBatch(readings: [Reading("d", "m", 2, 2)], observedAt: 2))) { error in
            XCTAssertEqual(error as? StorageError, .readOnly(path: path))
        }
    }
}
