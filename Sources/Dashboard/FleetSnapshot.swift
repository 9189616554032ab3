import Operations
import Replay
import Rules
import Storage

/// The fleet at one moment T, rebuilt from the stored log: latest value per series at or before
/// T, alerts firing at T (alert log) and pending at T (a rule engine warmed up to T, when the
/// dashboard has rules). Nothing is cached: every request reads the log as it is now, so a live
/// view never shows stale state and a past T picks up late readings.
struct FleetSnapshot {
    var at: Int64
    var firing: [AlertRecord]
    /// The acknowledgements made at or before T of the firing alerts, by raise id.
    var acknowledgements: [String: AlertRecord]
    var pending: [PendingAlert]
    var latest: [LatestReading]

    /// The store's devices, read after `latest` (so every device with a latest reading is in
    /// it), when the caller asks for them or the warm-up needs them; empty otherwise.
    var devices: [StoredDevice]

    /// `livePending`: the pending alerts of a running engine, for a `at` of now (no warm-up).
    init(store: TelemetryStore, rules: RuleSet?, at: Int64, readingDevices: Bool = false,
         livePending: [PendingAlert]? = nil) throws(StorageError) {
        self.at = at
        firing = try store.firingAlerts(at: at)
        acknowledgements = try store.acknowledgements(ofRaises: firing.map(\.id), at: at)
        latest = try store.latestReadings(at: at)
        devices = (rules != nil && livePending == nil) || readingDevices ? try store.devices() : []
        if let livePending {
            pending = livePending.filter { $0.firesAt > at }
        } else if let rules {
            pending = try AlertWarmUp.pendingAlerts(
                rules: rules, store: store, at: at, firing: firing, latest: latest, devices: devices)
        } else {
            pending = []
        }
        pending.sort { ($0.device, $0.alert) < ($1.device, $1.alert) }
    }

    /// The firing alerts' JSON, each with its acknowledgement at T when there is one.
    var firingJSON: [String] {
        firing.map { OperatorLog.raise($0.event, acknowledgedBy: acknowledgements[$0.id]) }
    }

    /// `"pending":[{"alert","device","severity","since"}]` members' array.
    static func writePending(_ pending: [PendingAlert], to json: inout JSONBytes) {
        json.byte("[")
        for (index, alert) in pending.enumerated() {
            if index > 0 { json.byte(",") }
            json.raw(#"{"alert":"#)
            json.string(alert.alert)
            json.raw(#","device":"#)
            json.string(alert.device)
            json.raw(#","severity":"#)
            json.string(alert.severity.rawValue)
            json.raw(#","since":"#)
            json.time(alert.since)
            json.byte("}")
        }
        json.byte("]")
    }
}
