/// Bounds on what publishers can make the pipeline keep: any client of the broker can invent
/// device ids and event times, so neither may grow memory or history without limit.
public struct IngestLimits: Sendable {
    /// Devices active at once (seen within `deviceStateRetention`); messages of new devices
    /// beyond become `device_limit` dead letters. nil: no limit.
    public var maxDevices: Int?
    /// Event times further before the receive time become `implausible_timestamp` dead letters.
    public var maxTimestampAge: Int64?
    /// Event times further after the receive time become `implausible_timestamp` dead letters.
    public var maxTimestampAhead: Int64?
    /// A device silent this long (ms) is released: it no longer counts against `maxDevices`,
    /// and its rule state goes (see `RuleEngine.releaseDevices`). nil: kept for ever.
    public var deviceStateRetention: Int64?

    public init(maxDevices: Int? = nil, maxTimestampAge: Int64? = nil, maxTimestampAhead: Int64? = nil,
                deviceStateRetention: Int64? = nil)
    {
        self.maxDevices = maxDevices
        self.maxTimestampAge = maxTimestampAge
        self.maxTimestampAhead = maxTimestampAhead
        self.deviceStateRetention = deviceStateRetention
    }

    /// No bounds: tests and tools that replay trusted input.
    public static let none = IngestLimits()

    /// Whether the pipeline keeps the last-seen time of each device (for the limit or the release).
    var tracksDevices: Bool { maxDevices != nil || deviceStateRetention != nil }
}

extension IngestLimits {
    public init(_ configuration: BridgeConfiguration) {
        self.init(maxDevices: configuration.maxDevices, maxTimestampAge: configuration.maxTimestampAge,
                  maxTimestampAhead: configuration.maxTimestampAhead, deviceStateRetention: configuration.deviceStateRetention)
    }
}
