import Telemetry

/// Per-device numbers rules read as `attr.<name>` (per-device thresholds): entries keyed by a
/// device id or glob, from `Devices/attributes.yaml`. A device takes the attributes of every
/// entry that matches it, in file order, a later entry overriding an earlier one, so a `"*"`
/// default comes first and exceptions after it.
public struct DeviceAttributes: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var devices: String
        public var values: [String: Double]
        public var line: Int
        let pattern: GlobPattern

        init(devices: String, values: [String: Double], line: Int) {
            self.devices = devices
            self.values = values
            self.line = line
            pattern = GlobPattern(devices)
        }
    }

    public private(set) var entries: [Entry]
    /// Where they were read from, for messages (empty when there is no file).
    public var file: String

    public init(entries: [Entry] = [], file: String = "") {
        self.entries = entries
        self.file = file
    }

    /// Every attribute name some entry sets.
    public var names: Set<String> { Set(entries.flatMap(\.values.keys)) }

    public func value(_ name: String, device: String) -> Double? {
        var found: Double?
        for entry in entries where entry.pattern.matches(device) {
            if let value = entry.values[name] { found = value }
        }
        return found
    }

    /// The entries that set `name`, for messages.
    func entries(setting name: String) -> [Entry] {
        entries.filter { $0.values[name] != nil }
    }

    /// Whether every device a rule's selector can select gets `name`: an entry for `*` sets it,
    /// or (a glob selector) an entry for the same glob, or (a single device id) one matching it.
    func covers(_ name: String, selector: DeviceSelector) -> Bool {
        entries(setting: name).contains { entry in
            if entry.devices == "*" { return true }
            guard case .glob(let glob) = selector else { return false }
            return entry.devices == glob || (!DeviceSelector.isGlob(glob) && entry.pattern.matches(glob))
        }
    }
}
