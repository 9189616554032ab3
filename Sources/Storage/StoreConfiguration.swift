/// How a ``TelemetryStore`` opens its database.
public struct StoreConfiguration: Sendable, Hashable {
    /// What a committed batch survives.
    public enum Durability: Sendable, Hashable {
        /// `synchronous = NORMAL`: in WAL mode a commit survives a crash of the process, and the
        /// database stays consistent after power loss, which may lose the last commits.
        case normal
        /// `synchronous = FULL`: every commit is synced to disk before it returns (slower).
        case full
    }

    public var durability: Durability
    /// How long a statement waits for another connection's lock before failing, in seconds.
    public var busyTimeout: Double
    /// Page cache of the writer connection, in KiB. Readers keep SQLite's default.
    public var writerCacheKiB: Int
    /// Most concurrent readers in the pool.
    public var maximumReaderCount: Int
    /// Open without writing: no directory creation, no migration (the schema must be current).
    public var readOnly: Bool
    /// How many readings collect in the time-ordered `recent_readings` table before the writer
    /// moves them into the series-ordered `readings` table (at the start of the next batch).
    /// Larger means faster ingest, and more rows for queries to merge from the recent table.
    public var compactionThreshold: Int
    /// Granularity of a device's stored `last_seen`, in ms: it is rewritten only when it advances
    /// by at least this much, so a busy fleet does not update every device row in every batch.
    /// `0` stores every batch's time.
    public var lastSeenResolution: Int64
    /// WAL size, in pages, after which a commit copies the WAL back into the database file
    /// (SQLite's `wal_autocheckpoint`). Larger means fewer, longer checkpoints and fsyncs.
    public var walAutocheckpointPages: Int
    public init(
        durability: Durability = .normal,
        busyTimeout: Double = 5,
        writerCacheKiB: Int = 16_384,
        maximumReaderCount: Int = 4,
        readOnly: Bool = false,
        compactionThreshold: Int = 262_144,
        lastSeenResolution: Int64 = 1000,
        walAutocheckpointPages: Int = 1000
    ) {
        self.durability = durability
        self.busyTimeout = busyTimeout
        self.writerCacheKiB = writerCacheKiB
        self.maximumReaderCount = maximumReaderCount
        self.readOnly = readOnly
        self.compactionThreshold = compactionThreshold
        self.lastSeenResolution = lastSeenResolution
        self.walAutocheckpointPages = walAutocheckpointPages
    }
}
