import Foundation
import Storage
import Telemetry

/// Writes the benchmark's database through `TelemetryStore.write`, as ingest does: a fleet of
/// climate sensors (temperature, humidity, battery) at 1-minute resolution over `days`, and one
/// series with a full year at 1-minute resolution (525,600 readings). Everything but the fleet's
/// last hour is compacted (so rollups exist); that hour stays in the staging table, as on a live
/// daemon between compactions.
struct FleetSeeder {
    static let minute: Int64 = 60_000
    static let day: Int64 = 86_400_000
    /// 2026-11-01T00:00:00Z plus 37 s: the end of the data, not aligned to a minute.
    static let end: Int64 = 1_793_491_200_000 + 37_000
    static let yearDevice = "year-1"

    let store: TelemetryStore
    let devices: Int
    let days: Int

    static func deviceID(_ index: Int) -> String {
        let digits = String(index)
        return "gh-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Minute timestamps of the fleet, oldest first (device `index` reports `index * 7` ms after the minute).
    var fleetMinutes: [Int64] {
        let last = Self.end - Self.end % Self.minute
        return Array(stride(from: last - Int64(days) * Self.day + Self.minute, through: last, by: Int(Self.minute)))
    }

    func seed(progress: (String) -> Void) throws(StorageError) {
        let fleet = (0..<devices).map {
            Device(id: Self.deviceID($0), type: "climate-sensor", labels: ["site": $0 % 2 == 0 ? "north" : "south"])
        }
        let year = Device(id: Self.yearDevice, type: "climate-sensor", labels: ["site": "north"])
        var units: [SeriesKey: String] = [:]
        for device in fleet + [year] {
            units[SeriesKey(device: device.id, metric: "temperature")] = "°C"
            units[SeriesKey(device: device.id, metric: "humidity")] = "%"
            units[SeriesKey(device: device.id, metric: "battery")] = "V"
        }
        _ = try store.write(IngestBatch(devices: fleet + [year], units: units, observedAt: Self.end - 366 * Self.day))

        let yearStart = Self.end - 365 * Self.day
        var batch: [Reading] = []
        batch.reserveCapacity(50_000)
        var written = 0
        for ts in stride(from: yearStart, to: Self.end, by: Int(Self.minute)) {
            batch.append(Reading(device: year.id, metric: "temperature", timestamp: ts, value: Self.temperature(ts, device: 0)))
            if batch.count == 50_000 {
                written += try flush(&batch)
            }
        }
        written += try flush(&batch)
        progress("year series: \(written) readings")

        let minutes = fleetMinutes
        let lastHour = minutes.count - 60
        for (offset, ts) in minutes.enumerated() {
            if offset == lastHour {
                try store.compact()
                progress("fleet: compacted \(written) readings; the last hour stays staged")
            }
            for index in 0..<devices {
                let t = ts + Int64(index * 7 % 60_000)
                let temperature = Self.temperature(t, device: index)
                batch.append(Reading(device: fleet[index].id, metric: "temperature", timestamp: t, value: temperature))
                batch.append(Reading(device: fleet[index].id, metric: "humidity", timestamp: t, value: 80 - temperature))
                batch.append(Reading(device: fleet[index].id, metric: "battery", timestamp: t, value: 3.6 - Double(offset) / 100_000))
            }
            if batch.count >= 30_000 || offset == lastHour - 1 {
                written += try flush(&batch)
            }
            if offset % 360 == 0 { progress("fleet: \(offset)/\(minutes.count) minutes, \(written) readings") }
        }
        written += try flush(&batch)
        progress("seeded \(written) readings")
    }

    private func flush(_ batch: inout [Reading]) throws(StorageError) -> Int {
        guard !batch.isEmpty else { return 0 }
        let count = batch.count
        _ = try store.write(IngestBatch(readings: batch, observedAt: batch[count - 1].timestamp))
        batch.removeAll(keepingCapacity: true)
        return count
    }

    /// A daily cycle plus a per-device offset and a deterministic wobble.
    static func temperature(_ ts: Int64, device: Int) -> Double {
        let dayPhase = Double(ts % day) / Double(day)
        let wobble = Double((ts / minute &* 2_654_435_761 &+ Int64(device) &* 40_503) & 1023) / 1024
        return (18 + 6 * sin(2 * .pi * dayPhase) + Double(device % 7) + wobble).rounded(toPlaces: 2)
    }
}

private extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = Foundation.pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
