/// How long each kind of stored data is kept, in milliseconds before "now"; `nil` keeps it forever.
///
/// Charts read hour rollups for long ranges and minute rollups for shorter ones, so a sensible
/// policy keeps `hour` ≥ `minute` ≥ `raw`, e.g. raw 30 days, minutes 1 year, hours forever.
public struct RetentionPolicy: Sendable, Hashable {
    /// Raw readings (both reading tables).
    public var raw: Int64?
    /// `rollups_1m` buckets.
    public var minute: Int64?
    /// `rollups_1h` buckets.
    public var hour: Int64?

    public init(raw: Int64? = nil, minute: Int64? = nil, hour: Int64? = nil) {
        self.raw = raw
        self.minute = minute
        self.hour = hour
    }
}
