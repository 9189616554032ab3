import Telemetry

/// What part of the stored log a replay reads: an event-time range and a device selection.
public struct ReplayScope: Sendable, Hashable {
    /// Inclusive start (ms since the epoch); nil: the start of the log.
    public var from: Int64?
    /// Exclusive end (ms since the epoch); nil: just after the latest stored reading in scope.
    public var to: Int64?
    /// Device ids or globs (`gh-*`); nil or empty: every device.
    public var devices: [String]?
    /// Device types; nil or empty: every type.
    public var types: Set<String>?

    public init(from: Int64? = nil, to: Int64? = nil, devices: [String]? = nil, types: Set<String>? = nil) {
        self.from = from
        self.to = to
        self.devices = devices
        self.types = types
    }

    func selects(device id: String, type: String) -> Bool {
        if let types, !types.isEmpty, !types.contains(type) { return false }
        guard let devices, !devices.isEmpty else { return true }
        return devices.contains { GlobPattern($0).matches(id) }
    }

    func contains(_ time: Int64) -> Bool {
        if let from, time < from { return false }
        if let to, time >= to { return false }
        return true
    }
}
