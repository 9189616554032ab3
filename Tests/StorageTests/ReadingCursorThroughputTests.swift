import Foundation
import GRDB
@testable import Storage
import Telemetry
import XCTest

/// Release-mode measurement of the replay cursor (no timed assertion). Run with
/// `STORAGE_BENCHMARK=1 swift test -c release --filter ReadingCursorThroughputTests`.
final class ReadingCursorThroughputTests: StoreTestCase {
    func testCursorOverTwoMillionReadings() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["STORAGE_BENCHMARK"] != nil, "set STORAGE_BENCHMARK=1")
        let store = try openStore()
        let devices = (0..<1000).map { Device(id: "gh-\($0)", type: "climate-sensor", labels: ["site": "north"]) }
        let steps = 1000
        var written = 0
        let writeStart = DispatchTime.now().uptimeNanoseconds
        for start in stride(from: 0, to: steps, by: 5) {
            var readings: [Reading] = []
            readings.reserveCapacity(10_000)
            for step in start..<(start + 5) {
                for device in devices {
                    readings.append(Reading(device.id, "temperature", Int64(step) * 10_000, Double(step % 40)))
                    readings.append(Reading(device.id, "humidity", Int64(step) * 10_000 + 3, Double(step % 90)))
                }
            }
            written += try store.write(IngestBatch(devices: devices, readings: readings, observedAt: Int64(start))).insertedReadings
        }
        let writeSeconds = Double(DispatchTime.now().uptimeNanoseconds - writeStart) / 1e9
        XCTAssertEqual(written, 2_000_000)
        print("wrote \(written) readings in \(String(format: "%.2f", writeSeconds)) s")

        func measure(_ label: String, _ walk: () throws -> Int) rethrows {
            var best = Double.infinity
            for _ in 0..<3 {
                let start = DispatchTime.now().uptimeNanoseconds
                let count = try walk()
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                XCTAssertEqual(count, 2_000_000, label)
                best = min(best, seconds)
            }
            print("\(label): \(String(format: "%.0f", 2_000_000 / best)) readings/s (\(String(format: "%.3f", best)) s)")
        }

        let cursor: () throws -> Int = {
            var sum = 0.0
            var last = Int64.min
            var lastDevice = ""
            var disordered = 0
            let count = try store.forEachReadingByDevice(from: nil, to: nil, devices: nil) { reading in
                if reading.device != lastDevice {
                    lastDevice = reading.device
                    last = .min
                }
                if reading.timestamp < last { disordered += 1 }
                last = reading.timestamp
                sum += reading.value
            }
            XCTAssertEqual(disordered, 0)
            XCTAssertGreaterThan(sum, 0)
            return count
        }
        let split = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM recent_readings") ?? 0 }
        try measure("forEachReadingByDevice, \(split) not yet compacted", cursor)
        try store.compact()
        try measure("forEachReadingByDevice, all compacted", cursor)

        // The alternative: one merged query sorted by SQLite.
        try measure("single query ORDER BY device, ts, metric") {
            try store.pool.read { db in
                let statement = try RawStatement(db, sql: """
                    SELECT s.device, s.metric, r.ts, r.value FROM all_readings AS r JOIN series AS s ON s.id = r.series_id
                    ORDER BY s.device, r.ts, s.metric
                    """)
                var count = 0
                var sum = 0.0
                while try statement.step() {
                    let reading = Reading(device: statement.string(0), metric: statement.string(1), timestamp: statement.int64(2), value: statement.double(3))
                    sum += reading.value
                    count += 1
                }
                XCTAssertGreaterThan(sum, 0)
                return count
            }
        }

        let latestStart = DispatchTime.now().uptimeNanoseconds
        let latest = try store.latestTimestamps()
        print("latestTimestamps: \(latest.count) devices in \(String(format: "%.1f", Double(DispatchTime.now().uptimeNanoseconds - latestStart) / 1e6)) ms")
        XCTAssertEqual(latest["gh-7"], Int64(steps - 1) * 10_000 + 3)
    }
}
