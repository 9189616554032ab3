import Rules
import Storage

extension AlertRecord {
    /// The stored form of an event: its JSON exactly as published, plus the columns queries use
    /// (`silenced`: ``AlertEvent/heldBackBy``).
    public init(_ event: AlertEvent, severity: String?) {
        switch event {
        case .raised(let raised):
            self.init(id: raised.id, type: .raised, alert: raised.alert, device: raised.device,
                      severity: raised.severity.rawValue, at: raised.at, raisedID: nil, value: raised.value,
                      event: event.json, silenced: event.heldBackBy)
        case .cleared(let cleared):
            self.init(id: cleared.id, type: .cleared, alert: cleared.alert, device: cleared.device,
                      severity: severity, at: cleared.at, raisedID: cleared.raisedId, value: cleared.value,
                      event: event.json, silenced: event.heldBackBy)
        }
    }
}
