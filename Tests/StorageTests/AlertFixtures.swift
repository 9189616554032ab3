@testable import Storage

/// Alert events shaped like the rules engine's, with the JSON a publisher would send.
enum AlertFixtures {
    static func raised(_ id: String, _ alert: String, _ device: String, at: Int64, value: Double? = 31, severity: String? = "critical") -> AlertRecord {
        AlertRecord(
            id: id, type: .raised, alert: alert, device: device, severity: severity, at: at, value: value,
            event: #"{"type":"AlertRaised","schema":1,"id":"\#(id)","alert":"\#(alert)","device":"\#(device)","at":\#(at)}"#)
    }

    static func cleared(_ id: String, ending raised: AlertRecord, at: Int64, value: Double? = 27) -> AlertRecord {
        AlertRecord(
            id: id, type: .cleared, alert: raised.alert, device: raised.device, at: at, raisedID: raised.id, value: value,
            event: #"{"type":"AlertCleared","schema":1,"id":"\#(id)","raisedId":"\#(raised.id)","at":\#(at)}"#)
    }
}
