import Rules
import Storage

extension AlertWarmUp {
    /// The alerts pending at `time` by the stored log: (rule, device) pairs whose `when` holds at
    /// `time` but whose `for` has not run out, in device then rule order. Rebuilt like a restart's
    /// warm-up (windows and timers from the readings of the rules' lookback before `time`, firing
    /// alerts from the alert log at `time`), so it costs a replay of that lookback: nothing is cached.
    public static func pendingAlerts(rules: RuleSet, store: TelemetryStore, at time: Int64) throws(StorageError) -> [PendingAlert] {
        let (engine, _) = try engine(rules: rules, store: store, until: time)
        return engine.pendingAlerts.filter { $0.firesAt > time }
    }

    /// ``pendingAlerts(rules:store:at:)`` from what the caller has already read at `time`: the
    /// alerts firing at `time` (`firingAlerts(at:)`), every series' latest reading at `time`
    /// (`latestReadings(at:)`) and the devices (`devices()`), so a view showing those too reads
    /// them once.
    public static func pendingAlerts(
        rules: RuleSet, store: TelemetryStore, at time: Int64,
        firing: [AlertRecord], latest: [LatestReading], devices: [StoredDevice]
    ) throws(StorageError) -> [PendingAlert] {
        let (engine, _) = try engine(rules: rules, store: store, until: time, firing: firing, finals: latest, devices: devices)
        return engine.pendingAlerts.filter { $0.firesAt > time }
    }
}
