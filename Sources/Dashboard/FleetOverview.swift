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
/// fed from those, with one bulk sparkline query running alongside on its own thread; the JSON is
/// written byte by byte.
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

    init(store: TelemetryStore, rules: RuleSet?, at: Int64) throws(StorageError) {
        // The grid depends on the fleet's age; the devices listed are those read after the latest
        // readings (by the snapshot), as the sparklines run alongside it.
        let fleet = try store.devices()
        let oldest = fleet.lazy.map(\.firstSeen).filter { $0 <= at }.min()
        if let oldest, at.subtractingReportingOverflow(Self.youngFleetRange).partialValue < oldest, at > Self.youngFleetRange {
            sparklineResolution = .minute
            sparklineRange = Self.youngFleetRange
        } else {
            sparklineResolution = .hour
            sparklineRange = Self.sparklineRange
        }
        let (from, underflow) = at.subtractingReportingOverflow(sparklineRange)
        // The sparklines and the snapshot are independent reads: the sparklines run alongside.
        let resolution = sparklineResolution
        let sparklineRead = BackgroundRead { () throws(StorageError) in
            try store.sparklineTable(from: underflow ? .min : from, through: at, resolution: resolution)
        }
        let snapshot: Result<FleetSnapshot, StorageError>
        do {
            snapshot = .success(try FleetSnapshot(store: store, rules: rules, at: at, readingDevices: true))
        } catch {
            snapshot = .failure(error)
        }
        sparklines = try sparklineRead.wait()
        self.snapshot = try snapshot.get()
        devices = self.snapshot.devices
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
        json.array(ofEncoded: snapshot.firing.map(\.event))
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
