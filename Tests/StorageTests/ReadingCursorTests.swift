import Foundation
import GRDB
@testable import Storage
import Telemetry
import XCTest

final class ReadingCursorTests: StoreTestCase {
    private func walk(_ store: TelemetryStore, from: Int64? = nil, to: Int64? = nil, devices: [String]? = nil) throws -> [String] {
        var lines: [String] = []
        let count = try store.forEachReadingByDevice(from: from, to: to, devices: devices) { reading in
            lines.append("\(reading.device)/\(reading.metric)@\(reading.timestamp)=\(reading.value)")
        }
        XCTAssertEqual(count, lines.count)
        return lines
    }

    private func tableSplit(_ store: TelemetryStore) throws -> (compacted: Int, recent: Int) {
        try store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM readings") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM recent_readings") ?? 0)
        }
    }

    private func fill(_ store: TelemetryStore) throws {
        _ = try store.write(IngestBatch(
            devices: [Device(id: "gh-2", type: "climate"), Device(id: "gh-10", type: "climate"), Device(id: "pump-1", type: "pump")],
            readings: [
                Reading("pump-1", "flow", 1000, 3),
                Reading("gh-2", "temperature", 3000, 23),
                Reading("gh-2", "humidity", 1000, 60),
                Reading("gh-2", "temperature", 1000, 21),
                Reading("gh-10", "temperature", 2000, 18),
                Reading("gh-2", "temperature", 2000, 22),
                Reading("gh-2", "humidity", 2500, 61),
                Reading("gh-2", "battery", 2000, 3.1),
            ],
            observedAt: 5000))
    }

    private let expectedAll = [
        "gh-10/temperature@2000=18.0",
        "gh-2/humidity@1000=60.0", "gh-2/temperature@1000=21.0",
        "gh-2/battery@2000=3.1", "gh-2/temperature@2000=22.0",
        "gh-2/humidity@2500=61.0",
        "gh-2/temperature@3000=23.0",
        "pump-1/flow@1000=3.0",
    ]

    func testEachDevicesReadingsComeInTimeOrderAcrossMetrics() throws {
        let store = try openStore()
        try fill(store)
        XCTAssertEqual(try walk(store), expectedAll)
    }

    func testSameResultFromRecentTableCompactedTableAndBoth() throws {
        let store = try openStore()
        try fill(store)
        XCTAssertEqual(try tableSplit(store).compacted, 0)
        XCTAssertEqual(try walk(store), expectedAll)
        try store.compact()
        XCTAssertEqual(try tableSplit(store).recent, 0)
        XCTAssertEqual(try walk(store), expectedAll)
        // Late readings interleave with compacted ones of the same series and of other metrics.
        _ = try store.write(IngestBatch(readings: [
            Reading("gh-2", "temperature", 1500, 21.5),
            Reading("gh-2", "humidity", 3000, 62),
            Reading("gh-2", "temperature", 500, 20.5),
            Reading("gh-10", "temperature", 2000, 99), // duplicate of a compacted reading: ignored
        ], observedAt: 6000))
        let afterLate = try tableSplit(store)
        XCTAssertEqual([afterLate.compacted, afterLate.recent], [8, 3])
        let merged = [
            "gh-10/temperature@2000=18.0",
            "gh-2/temperature@500=20.5",
            "gh-2/humidity@1000=60.0", "gh-2/temperature@1000=21.0",
            "gh-2/temperature@1500=21.5",
            "gh-2/battery@2000=3.1", "gh-2/temperature@2000=22.0",
            "gh-2/humidity@2500=61.0",
            "gh-2/humidity@3000=62.0", "gh-2/temperature@3000=23.0",
            "pump-1/flow@1000=3.0",
        ]
        XCTAssertEqual(try walk(store), merged)
        try store.compact()
        XCTAssertEqual(try walk(store), merged)
    }

    func testRangeIsHalfOpen() throws {
        let store = try openStore()
        try fill(store)
        try store.compact()
        _ = try store.write(IngestBatch(readings: [Reading("gh-2", "temperature", 4000, 24)], observedAt: 6000))
        XCTAssertEqual(try walk(store, from: 2000, to: 3000), [
            "gh-10/temperature@2000=18.0", "gh-2/battery@2000=3.1", "gh-2/temperature@2000=22.0", "gh-2/humidity@2500=61.0",
        ])
        XCTAssertEqual(try walk(store, from: 3000), ["gh-2/temperature@3000=23.0", "gh-2/temperature@4000=24.0"])
        XCTAssertEqual(try walk(store, to: 1001), ["gh-2/humidity@1000=60.0", "gh-2/temperature@1000=21.0", "pump-1/flow@1000=3.0"])
        XCTAssertEqual(try walk(store, from: 3000, to: 3000), [])
        XCTAssertEqual(try walk(store, from: 5000, to: 1000), [])
        XCTAssertEqual(try walk(store, to: .min), [])
    }

    func testExtremeTimestampsAreIncluded() throws {
        let store = try openStore()
        _ = try store.write(IngestBatch(readings: [Reading("d", "a", .max, 1), Reading("d", "b", .min, 2), Reading("d", "a", 0, 3)], observedAt: 1))
        XCTAssertEqual(try walk(store), ["d/b@\(Int64.min)=2.0", "d/a@0=3.0", "d/a@\(Int64.max)=1.0"])
        XCTAssertEqual(try walk(store, to: .max), ["d/b@\(Int64.min)=2.0", "d/a@0=3.0"])
    }

    func testDeviceIdsAndGlobs() throws {
        let store = try openStore()
        try fill(store)
        XCTAssertEqual(Set(try walk(store, devices: ["gh-*"]).map { $0.prefix { $0 != "/" } }), ["gh-2", "gh-10"])
        XCTAssertEqual(try walk(store, devices: ["gh-?"]).count, 6)
        XCTAssertEqual(try walk(store, devices: ["pump-1", "gh-1?"]), ["gh-10/temperature@2000=18.0", "pump-1/flow@1000=3.0"])
        XCTAssertEqual(try walk(store, devices: ["gh"]), [])
        XCTAssertEqual(try walk(store, devices: []), [])
    }

    func testBodyErrorStopsTheWalkAndIsRethrown() throws {
        struct Stop: Error, Equatable {}
        let store = try openStore()
        try fill(store)
        try store.compact()
        var seen = 0
        XCTAssertThrowsError(try store.forEachReadingByDevice(from: nil, to: nil, devices: nil) { _ in
            seen += 1
            if seen == 3 { throw Stop() }
        }) { XCTAssertEqual($0 as? Stop, Stop()) }
        XCTAssertEqual(seen, 3)
        // The abandoned statements were released: the next walk and writes work.
        XCTAssertEqual(try walk(store), expectedAll)
        _ = try store.write(IngestBatch(readings: [Reading("gh-2", "temperature", 9000, 1)], observedAt: 9))
        try store.compact()
        XCTAssertEqual(try walk(store).count, expectedAll.count + 1)
    }

    func testLargeMixedWalkMatchesASortOfEveryReading() throws {
        let store = try openStore(configuration: .init(compactionThreshold: 3_000, lastSeenResolution: 0))
        var generator = SystemRandomNumberGenerator()
        var expected: [(String, Int64, String, Double)] = []
        let metrics = ["a", "b", "c", "d"]
        for batch in 0..<20 {
            var readings: [Reading] = []
            for _ in 0..<500 {
                let device = "dev-\(Int.random(in: 0..<7, using: &generator))"
                let metric = metrics[Int.random(in: 0..<(device == "dev-0" ? 1 : 4), using: &generator)]
                // Mostly ascending time with late arrivals reaching back before earlier batches.
                let time = Int64(batch * 100 + Int.random(in: -300..<100, using: &generator))
                readings.append(Reading(device, metric, time, Double(Int.random(in: 0..<1000, using: &generator))))
            }
            let outcome = try store.write(IngestBatch(readings: readings, observedAt: Int64(batch)))
            XCTAssertEqual(outcome.insertedReadings + outcome.duplicateReadings, readings.count)
        }
        let split = try tableSplit(store)
        XCTAssertGreaterThan(split.compacted, 0)
        XCTAssertGreaterThan(split.recent, 0)
        // The first stored value of each identity, from the store's own point reads.
        for series in try store.series() {
            for reading in try store.readings(device: series.device, metric: series.metric) {
                expected.append((reading.device, reading.timestamp, reading.metric, reading.value))
            }
        }
        expected.sort { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
        let lines = try walk(store)
        XCTAssertEqual(lines.count, split.compacted + split.recent)
        XCTAssertEqual(lines, expected.map { "\($0.0)/\($0.2)@\($0.1)=\($0.3)" })

        let window = expected.filter { $0.1 >= 500 && $0.1 < 1200 && ["dev-1", "dev-3"].contains($0.0) }
        XCTAssertEqual(try walk(store, from: 500, to: 1200, devices: ["dev-[13]", "dev-1", "dev-3"]), window.map { "\($0.0)/\($0.2)@\($0.1)=\($0.3)" })
    }

    func testLatestTimestampsCoverBothTables() throws {
        let store = try openStore()
        XCTAssertEqual(try store.latestTimestamps(), [:])
        try fill(store)
        XCTAssertEqual(try store.latestTimestamps(), ["gh-2": 3000, "gh-10": 2000, "pump-1": 1000])
        try store.compact()
        XCTAssertEqual(try store.latestTimestamps(), ["gh-2": 3000, "gh-10": 2000, "pump-1": 1000])
        _ = try store.write(IngestBatch(
            devices: [Device(id: "idle", type: "t")],
            readings: [Reading("gh-10", "humidity", 2500, 1), Reading("pump-1", "flow", 500, 1)], observedAt: 9))
        XCTAssertEqual(try store.latestTimestamps(), ["gh-2": 3000, "gh-10": 2500, "pump-1": 1000])
    }
}
