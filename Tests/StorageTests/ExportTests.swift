import Foundation
@testable import Storage
import Telemetry
import XCTest

final class ExportTests: StoreTestCase {
    private func fill(_ store: TelemetryStore) throws {
        _ = try store.write(IngestBatch(
            devices: [
                Device(id: "gh-2", type: "climate", labels: ["site": "north"]),
                Device(id: "gh-10", type: "climate", labels: ["site": "south"]),
                Device(id: "pump-1", type: "pump"),
            ],
            units: [SeriesKey(device: "gh-2", metric: "temperature"): "°C"],
            readings: [
                Reading("pump-1", "flow", 1000, 3),
                Reading("gh-2", "temperature", 3000, 23),
                Reading("gh-2", "humidity", 1000, 60),
                Reading("gh-2", "temperature", 1000, 21),
                Reading("gh-10", "temperature", 2000, 18),
                Reading("gh-2", "temperature", 2000, 22),
            ],
            observedAt: 5000))
    }

    func testRowsAreOrderedByDeviceMetricTimestampWithContext() throws {
        let store = try openStore()
        try fill(store)
        let rows = try exportAll(store)
        XCTAssertEqual(rows.map { "\($0.device)/\($0.metric)@\($0.timestamp)=\($0.value)" }, [
            "gh-10/temperature@2000=18.0",
            "gh-2/humidity@1000=60.0",
            "gh-2/temperature@1000=21.0", "gh-2/temperature@2000=22.0", "gh-2/temperature@3000=23.0",
            "pump-1/flow@1000=3.0",
        ])
        XCTAssertEqual(rows[2], ExportRow(
            device: "gh-2", deviceType: "climate", metric: "temperature", unit: "°C",
            timestamp: 1000, value: 21, labels: ["site": "north"]))
        XCTAssertEqual(rows[5].labels, [:])
        XCTAssertNil(rows[5].unit)
    }

    func testTimeRangeIsHalfOpen() throws {
        let store = try openStore()
        try fill(store)
        let rows = try exportAll(store, .init(from: 2000, to: 3000))
        XCTAssertEqual(rows.map(\.timestamp), [2000, 2000])
        XCTAssertEqual(try exportAll(store, .init(from: 3000, to: 3000)), [])
        XCTAssertEqual(try exportAll(store, .init(to: 1001)).map(\.timestamp), [1000, 1000, 1000])
        XCTAssertEqual(try exportAll(store, .init(from: 3000)).map(\.value), [23])
    }

    func testDeviceGlobsAndMetricFilter() throws {
        let store = try openStore()
        try fill(store)
        XCTAssertEqual(Set(try exportAll(store, .init(devices: ["gh-*"])).map(\.device)), ["gh-2", "gh-10"])
        XCTAssertEqual(Set(try exportAll(store, .init(devices: ["gh-?"])).map(\.device)), ["gh-2"])
        XCTAssertEqual(Set(try exportAll(store, .init(devices: ["pump-1", "gh-1?"])).map(\.device)), ["pump-1", "gh-10"])
        XCTAssertEqual(try exportAll(store, .init(devices: ["gh"])), [])
        XCTAssertEqual(try exportAll(store, .init(metrics: ["humidity", "flow"])).map(\.metric), ["humidity", "flow"])
        XCTAssertEqual(try exportAll(store, .init(devices: ["*-2"], metrics: ["temperature"])).map(\.value), [21, 22, 23])
    }

    func testGlobMatching() {
        XCTAssertTrue(GlobPattern("*").matches(""))
        XCTAssertTrue(GlobPattern("a*b*c").matches("aXXbYYc"))
        XCTAssertFalse(GlobPattern("a*b*c").matches("aXXbYY"))
        XCTAssertTrue(GlobPattern("*ab").matches("aab"))
        XCTAssertTrue(GlobPattern("?é?").matches("xéy"))
        XCTAssertFalse(GlobPattern("??").matches("x"))
        XCTAssertTrue(GlobPattern("[a]").matches("[a]"))
    }

    func testBodyErrorStopsTheExportAndIsRethrown() throws {
        struct Stop: Error, Equatable {}
        let store = try openStore()
        try fill(store)
        var seen = 0
        XCTAssertThrowsError(try store.exportReadings(.init()) { _ in
            seen += 1
            if seen == 3 { throw Stop() }
        }) { XCTAssertEqual($0 as? Stop, Stop()) }
        XCTAssertEqual(seen, 3)
        XCTAssertEqual(try exportAll(store).count, 6)
    }

    func testLargeExportMergesCompactedAndRecentReadingsInOrder() throws {
        let store = try openStore(configuration: .init(compactionThreshold: 50_000, lastSeenResolution: 0))
        let devices = (0..<100).map { Device(id: String(format: "dev-%03d", $0), type: "t", labels: ["n": "\($0)"]) }
        // 200k readings, 200 series; batches are in time order like live ingest, so some are compacted.
        let steps = 1000
        for start in stride(from: 0, to: steps, by: 50) {
            var readings: [Reading] = []
            for step in start..<(start + 50) {
                for device in devices {
                    readings.append(Reading(device.id, "a", Int64(step) * 1000, Double(step)))
                    readings.append(Reading(device.id, "b", Int64(step) * 1000 + 1, -Double(step)))
                }
            }
            _ = try store.write(IngestBatch(devices: devices, readings: readings, observedAt: Int64(start)))
        }
        let split = try store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM readings") ?? 0, try Int.fetchOne(db, sql: "SELECT count(*) FROM recent_readings") ?? 0)
        }
        XCTAssertGreaterThan(split.0, 0)
        XCTAssertGreaterThan(split.1, 0)
        XCTAssertEqual(split.0 + split.1, 200_000)

        var count = 0
        var previous: (String, String, Int64)?
        var perSeries: [String: Int] = [:]
        let exported = try store.exportReadings(.init()) { row in
            let key = (row.device, row.metric, row.timestamp)
            if let previous {
                XCTAssertTrue(previous < key, "\(previous) before \(key)")
            }
            previous = key
            XCTAssertEqual(row.value, row.metric == "a" ? Double(row.timestamp / 1000) : -Double(row.timestamp / 1000))
            perSeries["\(row.device)/\(row.metric)", default: 0] += 1
            count += 1
        }
        XCTAssertEqual(exported, 200_000)
        XCTAssertEqual(count, 200_000)
        XCTAssertEqual(perSeries.count, 200)
        XCTAssertEqual(Set(perSeries.values), [steps])
        XCTAssertEqual(try store.readingCount(), 200_000)
        XCTAssertEqual(try exportAll(store, .init(from: 500_000, to: 502_000, devices: ["dev-007"], metrics: ["b"])).map(\.value), [-500, -501])
    }
}
