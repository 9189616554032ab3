import Rules
import Storage

/// `/api/overview?at=`: everything the fleet overview page draws, in one answer. Per device
/// present at T (first seen, or with a reading, at or before T): type, labels, last reading time,
/// each metric's latest value with unit and a sparkline of the 24 hours before T (hour buckets,
/// the last one partial and never holding a reading after T; a fleet younger than two hours at T
/// gets minute buckets over those two hours instead, so a new install shows its trend at once),
/// and its firing and pending alert counts; plus the firing and pending alerts themselves.
///
/// Reads: the devices, the latest-readings query, the firing set and (with rules) a warm-up to T
/// fed from those, with one bulk sparkline query running alongside (see `DashboardAPI.overview`);
/// the JSON is written byte by byte.
struct FleetOverview {
    static let sparklineRange: Int64 = 24 * 3_600_000
    static let youngFleetRange: Int64 = 2 * 3_600_000

    /// Bucket width and span of the sparklines of this answer.
    let sparklineResolution: RollupResolution
    let sparklineRange: Int64

    var snapshot: FleetSnapshot
    var devices: [StoredDevice]
    /// Sparkline buckets per series id.
    var sparklines: SparklineTable

    /// The sparklines' grid for an answer at `at`: it depends on the fleet's age.
    struct Grid: Sendable {
        var resolution: RollupResolution
        var range: Int64
        var from: Int64

        init(store: TelemetryStore, at: Int64) throws(StorageError) {
            let oldest = try store.devices().lazy.map(\.firstSeen).filter { $0 <= at }.min()
            if let oldest, at.subtractingReportingOverflow(FleetOverview.youngFleetRange).partialValue < oldest,
               at > FleetOverview.youngFleetRange {
                resolution = .minute
                range = FleetOverview.youngFleetRange
            } else {
                resolution = .hour
                range = FleetOverview.sparklineRange
            }
            let (start, underflow) = at.subtractingReportingOverflow(range)
            from = underflow ? .min : start
        }
    }

    /// The answer from its independent reads (the caller runs them side by side: the sparklines'
    /// bulk query and the snapshot with its warm-up); the devices listed are the snapshot's.
    init(grid: Grid, snapshot: FleetSnapshot, sparklines: SparklineTable) {
        sparklineResolution = grid.resolution
        sparklineRange = grid.range
        self.snapshot = snapshot
        devices = snapshot.devices
        self.sparklines = sparklines
    }

    func json() -> [UInt8] {
        var latestByDevice: [String: ArraySlice<LatestReading>] = [:]
        var start = snapshot.latest.startIndex
        while start < snapshot.latest.endIndex {
            let device = snapshot.latest[start].series.device
            var end = start + 1
            while end < snapshot.latest.endIndex, snapshot.latest[end].series.device == device { end += 1 }
            latestByDevice[device] = snapshot.latest[start..<end]
            start = end
        }
        var firingCounts: [String: Int] = [:]
        for record in snapshot.firing { firingCounts[record.device, default: 0] += 1 }
        var pendingCounts: [String: Int] = [:]
        for alert in snapshot.pending { pendingCounts[alert.device, default: 0] += 1 }

        // Every sparkline has its buckets on the same grid: format each start once.
        let grid = BucketTimeGrid(at: snapshot.at, width: sparklineResolution.milliseconds, range: sparklineRange)
        var json = JSONBytes(capacity: 4096 + snapshot.latest.count * (256 + 96 * grid.count))
        json.raw(#"{"at":"#)
        json.time(snapshot.at)
        json.raw(#","devices":["#)
        var first = true
        for device in devices {
            let latest = latestByDevice[device.id] ?? []
            guard device.firstSeen <= snapshot.at || !latest.isEmpty else { continue }
            if !first { json.byte(",") }
            first = false
            json.raw(#"{"id":"#)
            json.string(device.id)
            json.raw(#","type":"#)
            json.string(device.type)
            json.raw(#","labels":"#)
            json.object(device.labels)
            json.raw(#","lastSeen":"#)
            json.time(latest.map(\.timestamp).max())
            json.raw(#","metrics":["#)
            for (index, reading) in latest.enumerated() {
                if index > 0 { json.byte(",") }
                writeMetric(reading, grid: grid, to: &json)
            }
            json.raw(#"],"firing":"#)
            json.integer(firingCounts[device.id] ?? 0)
            json.raw(#","pending":"#)
            json.integer(pendingCounts[device.id] ?? 0)
            json.byte("}")
        }
        json.raw(#"],"firing":"#)
        json.array(ofEncoded: snapshot.firingJSON)
        json.raw(#","pending":"#)
        FleetSnapshot.writePending(snapshot.pending, to: &json)
        json.byte("}")
        return json.bytes
    }

    private func writeMetric(_ reading: LatestReading, grid: BucketTimeGrid, to json: inout JSONBytes) {
        json.raw(#"{"metric":"#)
        json.string(reading.series.metric)
        json.raw(#","unit":"#)
        json.string(reading.series.unit)
        json.raw(#","value":"#)
        json.number(reading.value)
        json.raw(#","t":"#)
        json.time(reading.timestamp)
        json.raw(#","sparkline":["#)
        var first = true
        for bucket in sparklines.buckets(of: reading.series.id) {
            if !first { json.byte(",") }
            first = false
            json.bucket(bucket, count: false, grid: grid)
        }
        json.raw("]}")
    }
}
