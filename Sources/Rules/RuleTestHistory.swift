import Telemetry

/// A rule test's `from_history:`: the stored readings of one device over a range, which
/// `rules test --db FILE` reads (the Rules module reads no database; the command supplies them).
public struct RuleTestHistoryRequest: Sendable, Hashable {
    /// The database the test names, if it names one (else the command's `--db`).
    public var database: String?
    public var device: String
    /// `[from, to)`, ms since the epoch.
    public var from: Int64
    public var to: Int64

    public init(database: String?, device: String, from: Int64, to: Int64) {
        self.database = database
        self.device = device
        self.from = from
        self.to = to
    }
}

/// What a history request yields: the device as stored and its readings in event-time order.
public struct RuleTestHistory: Sendable {
    public var device: Device
    public var readings: [Reading]

    public init(device: Device, readings: [Reading]) {
        self.device = device
        self.readings = readings
    }
}

/// Reads a history request; throws a message for the test's failure (no database, unknown
/// device). Nil when no database is available at all.
public typealias RuleTestHistoryLoader = @Sendable (RuleTestHistoryRequest) throws -> RuleTestHistory
