import Foundation
import GRDB
import Synchronization

/// The SQLite event log: the bridge's source of truth.
///
/// One file in WAL mode behind a GRDB `DatabasePool`: a single writer appends batches in one
/// transaction each (``write(_:)``), while any number of readers query or export concurrently
/// without blocking it. Inserts are idempotent on the reading identity (device, metric,
/// timestamp), so redelivered or replayed readings are stored once. New readings land in a
/// time-ordered table and are moved in bulk into the series-ordered one (see `StoreSchema`);
/// every query reads both, so callers never see the difference.
///
/// Safe to share between threads and tasks; all methods are synchronous and blocking.
public final class TelemetryStore: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    let configuration: StoreConfiguration
    /// Writer-side caches (device rows, series ids). Only touched while writing, under the lock,
    /// so that a failed transaction can drop them before anyone else writes.
    let writerState = Mutex(WriterState())

    /// Opens (creating it and its parent directory when missing) and migrates the database.
    ///
    /// - Throws: ``StorageError`` naming `path`: `.cannotOpen`, `.notADatabase`, `.newerSchema`
    ///   when a newer binary migrated it, `.readOnly`, `.diskFull`, `.io`, `.corrupt`.
    public init(path: String, configuration: StoreConfiguration = .init()) throws(StorageError) {
        self.path = path
        self.configuration = configuration
        if !configuration.readOnly {
            try Self.createParentDirectory(of: path)
        }
        do {
            pool = try DatabasePool(path: path, configuration: Self.grdbConfiguration(configuration))
            if !configuration.readOnly {
                // After GRDB's WAL setup, which sets NORMAL itself.
                let synchronous = configuration.durability == .full ? "FULL" : "NORMAL"
                try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
            }
        } catch {
            throw StorageError(error, path: path)
        }
        try migrate()
    }

    private func migrate() throws(StorageError) {
        let migrator = StoreSchema.migrator
        do {
            let (applied, completed) = try pool.read { db in
                (try migrator.appliedIdentifiers(db), try migrator.hasCompletedMigrations(db))
            }
            let unknown = applied.subtracting(migrator.migrations)
            if !unknown.isEmpty {
                throw StorageError.newerSchema(path: path, unknownMigrations: unknown.sorted())
            }
            if completed { return }
            if configuration.readOnly {
                let pending = migrator.migrations.filter { !applied.contains($0) }
                throw StorageError.schemaNotMigrated(path: path, pendingMigrations: pending)
            }
            try migrator.migrate(pool)
        } catch {
            throw StorageError(error, path: path)
        }
    }

    private static func createParentDirectory(of path: String) throws(StorageError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            if !isDirectory.boolValue {
                throw .cannotOpen(path: path, reason: "'\(directory)' is not a directory")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotOpen(path: path, reason: "cannot create directory '\(directory)': \(error.localizedDescription)")
        }
    }

    private static func grdbConfiguration(_ configuration: StoreConfiguration) -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.readonly = configuration.readOnly
        config.busyMode = .timeout(configuration.busyTimeout)
        config.maximumReaderCount = max(1, configuration.maximumReaderCount)
        config.label = "TelemetryStore"
        let writerCacheKiB = configuration.writerCacheKiB
        let checkpointPages = max(0, configuration.walAutocheckpointPages)
        config.prepareDatabase { db in
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA cache_size = -\(max(64, writerCacheKiB))")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(checkpointPages)")
            }
        }
        return config
    }
}
