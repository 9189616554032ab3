import Rules
import Storage

/// The part of an alert event that a comparison looks at: ids, values and messages may differ
/// between runs that agree.
public struct ComparedEvent: Sendable, Hashable {
    public var type: AlertRecord.Kind
    public var alert: String
    public var device: String
    public var at: Int64
    /// Whether notifying sinks (Alertmanager, webhooks) would send it: not held back by a
    /// silence, a maintenance window or flapping.
    public var notifies: Bool

    public init(type: AlertRecord.Kind, alert: String, device: String, at: Int64, notifies: Bool = true) {
        self.type = type
        self.alert = alert
        self.device = device
        self.at = at
        self.notifies = notifies
    }

    public init(_ event: AlertEvent) {
        switch event {
        case .raised(let raised):
            self.init(type: .raised, alert: raised.alert, device: raised.device, at: raised.at, notifies: event.heldBackBy == nil)
        case .cleared(let cleared):
            self.init(type: .cleared, alert: cleared.alert, device: cleared.device, at: cleared.at, notifies: event.heldBackBy == nil)
        }
    }

    public init(_ record: AlertRecord) {
        self.init(type: record.type, alert: record.alert, device: record.device, at: record.at, notifies: !record.isSilenced)
    }
}
