import Bridge
import Rules
import Storage

/// The fleet at one moment T, rebuilt from the stored log: latest value per series at or before
/// T, alerts firing at T (alert log) and pending at T (a rule engine warmed up to T, when the
/// dashboard has rules). Nothing is cached: every request reads the log as it is now, so a live
/// view never shows stale state and a past T picks up late readings.
struct FleetSnapshot {
    var at: Int64
    var firing: [AlertRecord]
    var pending: [PendingAlert]
    var latest: [LatestReading]

    init(store: TelemetryStore, rules: RuleSet?, at: Int64) throws(StorageError) {
        self.at = at
        firing = try store.firingAlerts(at: at)
        pending = try rules.map { rules throws(StorageError) in try AlertWarmUp.pendingAlerts(rules: rules, store: store, at: at) } ?? []
        pending.sort { ($0.device, $0.alert) < ($1.device, $1.alert) }
        latest = try store.latestReadings(at: at)
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
