import Rules

/// The replayed events of one device: one list per rule set given to the replayer, each in the
/// order its engine emitted them (event-time order).
public struct DeviceReplay: Sendable, Hashable {
    public var device: String
    public var events: [[AlertEvent]]
}
