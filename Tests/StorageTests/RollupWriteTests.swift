import Foundation
@testable import Storage
import Telemetry
import XCTest

/// The writer keeps `rollups_1m` / `rollups_1h` equal to the readings it actually stored.
final class RollupWriteTests: StoreTestCase {
    private let series = [("gh-1", "temperature"), ("gh-1", "humidity"), ("gh-2", "temperature"), ("gh-3", "co2")]

    /// Random readings over ~3 hours around the epoch (negative times too), with values that sum exactly.
    private func randomReadings<G: RandomNumberGenerator>(_ count: Int, using generator: inout G) -> [Reading] {
        (0..<count).map { _ in
            let (device, metric) = series[Int.random(in: 0..<series.count, using: &generator)]
            return Reading(
                device, metric, Int64.random(in: -3_600_000...7_200_000, using: &generator) / 250 * 250,
                Double(Int.random(in: -400...400, using: &generator)) / 4)
        }
    }

    func testRollupsEqualBruteForceWithDuplicatesWithinAndAcrossBatchesAndCompaction() throws {
        var generator = SplitMix64(seed: 42)
        let store = try openStore(configuration: .init(compactionThreshold: 700, lastSeenResolution: 0))
        var stored: [String: Reading] = [:]
        var previous: [Reading] = []
        for batchIndex in 0..<12 {
            var readings = randomReadings(400, using: &generator)
            // In-batch duplicates with another value (the first one is kept) and a replay of the
            // previous batch (already stored, some of it compacted since).
            readings += readings.prefix(50).map { Reading($0.device, $0.metric, $0.timestamp, $0.value + 1000) }
            if batchIndex % 3 == 2 { readings += previous }
            readings.shuffle(using: &generator)
            let outcome = try store.write(IngestBatch(readings: readings, observedAt: Int64(batchIndex)))
            var inserted = 0
            for reading in readings {
                let key = "\(reading.device)/\(reading.metric)/\(reading.timestamp)"
                if stored[key] == nil {
                    stored[key] = reading
                    inserted += 1
                }
            }
            XCTAssertEqual(outcome.insertedReadings, inserted)
            previous = readings
        }
        XCTAssertGreaterThan(try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM readings") ?? 0 }, 0)
        for (device, metric) in series {
            let model = stored.values.filter { $0.device == device && $0.metric == metric }
            XCTAssertEqual(try store.readings(device: device, metric: metric).count, model.count)
            try assertRollups(store, device: device, metric: metric, equal: model)
        }
        // A full replay after an explicit compaction adds nothing.
        try store.compact()
        let before = try store.rollups(device: "gh-1", metric: "temperature", from: .min, to: .max, resolution: .minute)
        let replay = Array(stored.values)
        XCTAssertEqual(try store.write(IngestBatch(readings: replay, observedAt: 99)).insertedReadings, 0)
        XCTAssertEqual(try store.rollups(device: "gh-1", metric: "temperature", from: .min, to: .max, resolution: .minute), before)
    }

    func testRollupsAreSummedAcrossBatchesIntoTheSameBucket() throws {
        let store = try openStore()
        _ = try store.write(IngestBatch(readings: [Reading("d", "m", 60_000, 4), Reading("d", "m", 60_500, -2)], observedAt: 1))
        _ = try store.write(IngestBatch(readings: [Reading("d", "m", 119_999, 10), Reading("d", "m", 60_000, 99)], observedAt: 2))
        let minutes = try store.rollups(device: "d", metric: "m", from: 0, to: 200_000, resolution: .minute)
        XCTAssertEqual(minutes, [RollupBucket(start: 60_000, count: 3, min: -2, max: 10, avg: 4)])
        let hours = try store.rollups(device: "d", metric: "m", from: 0, to: 200_000, resolution: .hour)
        XCTAssertEqual(hours, [RollupBucket(start: 0, count: 3, min: -2, max: 10, avg: 4)])
    }

    func testInfiniteReadingsAreStoredButLeftOutOfRollups() throws {
        let store = try openStore()
        _ = try store.write(IngestBatch(
            readings: [Reading("d", "m", 1, .infinity), Reading("d", "m", 2, -.infinity), Reading("d", "m", 3, 5)], observedAt: 1))
        XCTAssertEqual(try store.readings(device: "d", metric: "m").count, 3)
        XCTAssertEqual(
            try store.rollups(device: "d", metric: "m", from: 0, to: 10, resolution: .minute),
            [RollupBucket(start: 0, count: 1, min: 5, max: 5, avg: 5)])
    }

    func testRollupQueryReturnsBucketsOverlappingTheRange() throws {
        let store = try openStore()
        _ = try store.write(IngestBatch(
            readings: [0, 60_000, 120_000, 180_000].map { Reading("d", "m", $0, Double($0 / 60_000)) }, observedAt: 1))
        let buckets = try store.rollups(device: "d", metric: "m", from: 90_000, to: 180_000, resolution: .minute)
        XCTAssertEqual(buckets.map(\.start), [60_000, 120_000])
        XCTAssertEqual(try store.rollups(device: "nope", metric: "m", from: 0, to: 1_000_000, resolution: .minute), [])
        XCTAssertEqual(try store.rollups(device: "d", metric: "m", from: 100, to: 100, resolution: .minute), [])
    }
}
