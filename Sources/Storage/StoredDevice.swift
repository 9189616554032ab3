/// A device row: the latest type and labels seen, and when the bridge first and last heard of it.
public struct StoredDevice: Sendable, Hashable {
    public var id: String
    public var type: String
    public var labels: [String: String]
    /// Receive time of the first batch naming the device, ms since the epoch.
    public var firstSeen: Int64
    /// Receive time of the latest batch naming the device, ms since the epoch.
    public var lastSeen: Int64

    public init(id: String, type: String, labels: [String: String], firstSeen: Int64, lastSeen: Int64) {
        self.id = id
        self.type = type
        self.labels = labels
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}
