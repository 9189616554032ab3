/// Which stored readings an export or replay covers. `nil` means "no restriction".
public struct ReadingFilter: Sendable, Hashable {
    /// Inclusive lower bound of event time, ms since the epoch.
    public var from: Int64?
    /// Exclusive upper bound of event time, ms since the epoch: `[from, to)`.
    public var to: Int64?
    /// Device ids or glob patterns (`*` any run of characters, `?` one character); a device is
    /// included when it matches any of them.
    public var devices: [String]?
    /// Metric names to include.
    public var metrics: [String]?

    public init(from: Int64? = nil, to: Int64? = nil, devices: [String]? = nil, metrics: [String]? = nil) {
        self.from = from
        self.to = to
        self.devices = devices
        self.metrics = metrics
    }
}
