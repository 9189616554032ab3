/// Why the event log could not be opened, written or read. Every case names the database file so
/// an operator can tell which store (and which disk) is at fault.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or its directory) could not be opened or created.
    case cannotOpen(path: String, reason: String)
    /// The file exists but is not an SQLite database.
    case notADatabase(path: String)
    /// The database was migrated by a newer telemetry-bridge; this binary does not know those migrations.
    case newerSchema(path: String, unknownMigrations: [String])
    /// The database was opened read-only but has not been created or migrated by this version yet.
    case schemaNotMigrated(path: String, pendingMigrations: [String])
    /// The disk (or the configured size limit) is full: nothing of the failed batch was stored.
    case diskFull(path: String)
    /// The file or its directory is read-only, or the store was opened read-only.
    case readOnly(path: String)
    /// The operating system reported an I/O error.
    case io(path: String, message: String)
    /// The database stayed locked by another connection or process beyond the busy timeout and retries.
    case busy(path: String, message: String)
    /// The database file is damaged.
    case corrupt(path: String, message: String)
    /// Any other SQLite error, with its primary result code.
    case sqlite(path: String, code: Int32, message: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open database '\(path)': \(reason)"
        case .notADatabase(let path):
            "'\(path)' is not an SQLite database"
        case .newerSchema(let path, let unknown):
            "database '\(path)' was written by a newer telemetry-bridge (unknown migrations: \(unknown.joined(separator: ", "))); upgrade this binary"
        case .schemaNotMigrated(let path, let pending):
            "database '\(path)' is not migrated (pending: \(pending.joined(separator: ", "))); open it read-write once to migrate"
        case .diskFull(let path):
            "database '\(path)' is full (disk or size limit reached); the batch was not stored"
        case .readOnly(let path):
            "database '\(path)' is read-only"
        case .io(let path, let message):
            "I/O error on database '\(path)': \(message)"
        case .busy(let path, let message):
            "database '\(path)' is locked by another connection: \(message)"
        case .corrupt(let path, let message):
            "database '\(path)' is corrupt: \(message)"
        case .sqlite(let path, let code, let message):
            "SQLite error \(code) on database '\(path)': \(message)"
        }
    }
}
