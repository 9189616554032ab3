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
        return devices.contains { Glob.matches($0, id) }
    }

    func contains(_ time: Int64) -> Bool {
        if let from, time < from { return false }
        if let to, time >= to { return false }
        return true
    }
}

/// `*` (any run) and `?` (one character) globs on device ids, as the store's filters use them.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.utf8)
        let t = Array(text.utf8)
        var (pi, ti) = (0, 0)
        var star = -1
        var mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == UInt8(ascii: "?") || p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == UInt8(ascii: "*") {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
