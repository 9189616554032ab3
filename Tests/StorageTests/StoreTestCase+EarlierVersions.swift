import GRDB
@testable import Storage

extension StoreTestCase {
    /// A database as a binary that knew only the migrations up to `migration` left it (WAL mode,
    /// migrated that far, then filled by `fill`), closed: what a migration test opens.
    func databaseMigrated(upTo migration: String, name: String, _ fill: (Database) throws -> Void) throws -> String {
        let path = directory.path(name)
        var configuration = Configuration()
        configuration.journalMode = .wal
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try StoreSchema.migrator.migrate(queue, upTo: migration)
        try queue.write(fill)
        try queue.close()
        return path
    }
}
