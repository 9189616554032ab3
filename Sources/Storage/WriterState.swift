/// What the writer remembers between batches so the hot path never queries: every stored
/// device (to upsert only what changed) and every series id. Loaded on the first write and
/// dropped whenever a transaction fails, since it may then describe rolled-back rows.
struct WriterState {
    struct CachedDevice {
        var type: String
        var labels: [String: String]
        /// The `last_seen` stored in the row.
        var storedLastSeen: Int64
    }

    struct CachedSeries {
        var id: Int64
        var unit: String?
        /// Latest timestamp of the series in `readings` (`Int64.min` when none), fetched when
        /// first needed and forgotten at each compaction. A reading after it cannot be a
        /// duplicate of a compacted one, so only older readings pay for a lookup there.
        var compactedMax: Int64?
    }

    var isLoaded = false
    var devices: [String: CachedDevice] = [:]
    var series: [SeriesKey: CachedSeries] = [:]
    /// Rows in `recent_readings`.
    var recentCount = 0

    /// Drops `devices` and their series from the cache; the writer looks them up again if they
    /// report later (a cache miss is an insert that finds the row, never a duplicate).
    mutating func forget(devices: Set<String>) {
        guard !devices.isEmpty else { return }
        for device in devices { self.devices[device] = nil }
        series = series.filter { !devices.contains($0.key.device) }
    }

    /// Records that `recent_readings` was moved into `readings`.
    mutating func didCompact() {
        recentCount = 0
        for index in series.indices {
            series.values[index].compactedMax = nil
        }
    }
}
