import Rules
import Storage

extension AlertRecord {
    /// The stored form of an operator's event. `severity`: an acknowledgement's raise's, so it is
    /// published where its raise was.
    public init(_ event: OperatorEvent, severity: String? = nil) {
        switch event {
        case .acknowledged(let ack):
            self.init(id: ack.id, type: .acknowledged, alert: ack.alert, device: ack.device, severity: severity, at: ack.at,
                      raisedID: ack.raisedId, event: event.json)
        case .silenceCreated(let created):
            self.init(id: created.silence.id, type: .silenceCreated, alert: created.silence.matchers.alert ?? "",
                      device: created.silence.matchers.device ?? "", at: created.silence.createdAt, event: event.json)
        case .silenceExpired(let expired):
            self.init(id: expired.id, type: .silenceExpired, alert: "", device: "", at: expired.at, raisedID: expired.silenceId,
                      event: event.json)
        }
    }
}
