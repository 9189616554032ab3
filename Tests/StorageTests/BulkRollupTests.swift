import Foundation
@testable import Storage
import Telemetry
import XCTest

/// `rollups(from:to:resolution:)` (every series at once, e.g. sparklines) and the bucket grid of
/// `series(device:metric:from:to:points:)` when `from` is not aligned.
final class BulkRollupTests: StoreTestCase {
    private let start: Int64 = 1_767_225_600_000 // 2026-01-01, hour aligned
    private let hour: Int64 = 3_600_000

    /// Three days of readings for a few series (every 37 s, random values), written so that the
    /// older part is compacted and the last hours are still in the staging table.
    private func seed(_ store: TelemetryStore, compactAll: Bool) throws -> [Reading] {
        var generator = SplitMix64(seed: 7)
        var readings: [Reading] = []
        for ts in stride(from: start, to: start + 72 * hour, by: 37_000) {
            for (device, metric) in [("d1", "temperature"), ("d1", "humidity"), ("d2", "temperature")] {
                readings.append(Reading(device, metric, ts + Int64(device.count), Double(Int.random(in: -500...500, using: &generator)) / 4))
            }
        }
        // A series silent since the first day, and an infinite reading (left out of rollups).
        readings.append(Reading("d3", "battery", start + 3 * hour, 3.1))
        readings.append(Reading("d2", "temperature", start + 70 * hour + 1, .infinity))
        for chunk in stride(from: 0, to: readings.count, by: 2_000) {
            _ = try store.write(IngestBatch(readings: Array(readings[chunk..<min(chunk + 2_000, readings.count)]), observedAt: start))
        }
        if compactAll { try store.compact() }
        return readings
    }

    func testEverySeriesAtOnceEqualsOneByOneAndBruteForce() throws {
        let store = try openStore(configuration: .init(compactionThreshold: 5_000, lastSeenResolution: 0))
        let readings = try seed(store, compactAll: false)
        let series = try store.series()
        for resolution in RollupResolution.allCases {
            for (from, to) in [(start + 48 * hour + 1_234, start + 72 * hour - 17), (start, start + 72 * hour), (start - hour, start + 4 * hour)] {
                let all = try store.rollups(from: from, to: to, resolution: resolution)
                for entry in series {
                    let one = try store.rollups(device: entry.device, metric: entry.metric, from: from, to: to, resolution: resolution)
                    XCTAssertEqual(all[entry.id] ?? [], one, "\(entry.device)/\(entry.metric) \(resolution)")
                    let first = RollupResolution.floor(from, to: resolution.milliseconds)
                    let expected = ExpectedRollup.buckets(
                        readings.filter { $0.device == entry.device && $0.metric == entry.metric }, width: resolution.milliseconds)
                        .filter { $0.key >= first && $0.key < to }
                    XCTAssertEqual(one.map(\.start), expected.keys.sorted(), "\(entry.device)/\(entry.metric) \(resolution)")
                    for bucket in one {
                        let want = try XCTUnwrap(expected[bucket.start])
                        XCTAssertEqual(bucket.count, want.count)
                        XCTAssertEqual(bucket.min, want.min)
                        XCTAssertEqual(bucket.max, want.max)
                        XCTAssertEqual(bucket.avg, want.sum / Double(want.count), accuracy: 1e-9 * max(1, abs(bucket.avg)))
                    }
                }
            }
        }
        let lastDay = try store.rollups(from: start + 48 * hour, to: start + 72 * hour, resolution: .hour)
        XCTAssertNil(lastDay[try XCTUnwrap(series.first { $0.device == "d3" }).id], "silent series has no bucket")
        XCTAssertEqual(try store.rollups(from: 5, to: 5, resolution: .hour), [:])
    }

    func testBucketsAreEvenWhenFromIsNotAligned() throws {
        let store = try openStore(configuration: .init(compactionThreshold: 5_000, lastSeenResolution: 0))
        _ = try seed(store, compactAll: false)
        for (offset, length, points, resolution) in [
            (17 * 60_000 + 23_000, 10 * hour, 20, Int64(60_000)), (5 * hour + 1_234_567, 40 * hour, 24, hour),
        ] {
            let from = start + offset
            let to = from + length
            let buckets = try store.series(device: "d1", metric: "humidity", from: from, to: to, points: points)
            XCTAssertLessThanOrEqual(buckets.count, points)
            XCTAssertGreaterThan(buckets.count, points / 2)
            let origin = RollupResolution.floor(from, to: resolution)
            XCTAssertEqual(buckets.first?.start, origin)
            let width = buckets[1].start - buckets[0].start
            XCTAssertEqual(width % resolution, 0)
            for (index, bucket) in buckets.enumerated() {
                XCTAssertEqual(bucket.start, origin + Int64(index) * width)
            }
            // Every full bucket holds the same number of source buckets, so about the same count.
            let counts = buckets.dropLast().map(\.count)
            XCTAssertLessThanOrEqual(counts.max()! - counts.min()!, 1, "\(counts)")
        }
    }

    func testCompactedAndStagedReadingsGiveTheSameCharts() throws {
        let staged = try openStore("staged.sqlite", configuration: .init(compactionThreshold: 1_000_000, lastSeenResolution: 0))
        let compacted = try openStore("compacted.sqlite", configuration: .init(compactionThreshold: 1_000_000, lastSeenResolution: 0))
        _ = try seed(staged, compactAll: false)
        _ = try seed(compacted, compactAll: true)
        for (from, to, points) in [
            (start + 1_234, start + 10 * hour + 59_999, 30), (start + 17_000, start + 2 * hour, 100),
            (start + 1, start + 72 * hour - 1, 50), (start + 61_000, start + 71 * hour + 1, 7),
        ] {
            let a = try staged.series(device: "d1", metric: "temperature", from: from, to: to, points: points)
            let b = try compacted.series(device: "d1", metric: "temperature", from: from, to: to, points: points)
            XCTAssertEqual(a.map(\.start), b.map(\.start))
            XCTAssertEqual(a.map(\.count), b.map(\.count))
            XCTAssertEqual(a.map(\.min), b.map(\.min))
            XCTAssertEqual(a.map(\.max), b.map(\.max))
            for (x, y) in zip(a, b) { XCTAssertEqual(x.avg, y.avg, accuracy: 1e-9 * max(1, abs(x.avg))) }
        }
    }
}

/// `sparklines(from:through:)`: hour buckets of the day before T with nothing after T in them.
final class SparklineQueryTests: StoreTestCase {
    private let start: Int64 = 1_767_225_600_000
    private let hour: Int64 = 3_600_000

    func testHourBucketsUpToTimeLeaveOutEverythingAfterIt() throws {
        let store = try openStore(configuration: .init(compactionThreshold: 3_000, lastSeenResolution: 0))
        var readings: [Reading] = []
        var generator = SplitMix64(seed: 9)
        for ts in stride(from: start, to: start + 30 * hour, by: 20_000) {
            readings.append(Reading("s1", "m", ts + 7, Double(Int.random(in: 0...1000, using: &generator))))
            if ts < start + hour / 2 { readings.append(Reading("old", "m", ts, 1)) }
        }
        for chunk in stride(from: 0, to: readings.count, by: 1_000) {
            _ = try store.write(IngestBatch(readings: Array(readings[chunk..<min(chunk + 1_000, readings.count)]), observedAt: start))
        }
        let ids = Dictionary(uniqueKeysWithValues: try store.series().map { ($0.device, $0.id) })
        for time in [start + 26 * hour + 36 * 60_000 + 40_000, start + 29 * hour + 59 * 60_000 + 59_999, start + 25 * hour] {
            let from = time - 24 * hour
            let lines = try store.sparklines(from: from, through: time)
            XCTAssertNil(lines[try XCTUnwrap(ids["old"])])
            let line = try XCTUnwrap(lines[try XCTUnwrap(ids["s1"])])
            XCTAssertLessThanOrEqual(line.count, 25)
            let current = RollupResolution.floor(time, to: hour)
            let firstHour = RollupResolution.floor(from, to: hour)
            // Whole minutes at or before `time`.
            let lastIncluded = RollupResolution.floor(time + 1, to: 60_000)
            var expected: [Int64: ExpectedRollup] = [:]
            for reading in readings where reading.device == "s1" && reading.timestamp >= firstHour {
                let bucket = RollupResolution.floor(reading.timestamp, to: hour)
                if bucket == current, reading.timestamp >= lastIncluded { continue }
                if bucket > current { continue }
                expected[bucket, default: .init()].add(reading.value)
            }
            XCTAssertEqual(line.map(\.start), expected.keys.sorted(), "at \(time)")
            for bucket in line {
                let want = try XCTUnwrap(expected[bucket.start])
                XCTAssertEqual(bucket.count, want.count, "\(bucket.start) at \(time)")
                XCTAssertEqual(bucket.min, want.min)
                XCTAssertEqual(bucket.max, want.max)
                XCTAssertEqual(bucket.avg, want.sum / Double(want.count), accuracy: 1e-9 * max(1, abs(bucket.avg)))
                XCTAssertLessThanOrEqual(bucket.start, time)
            }
        }
        XCTAssertEqual(try store.sparklines(from: start - 48 * hour, through: start - 24 * hour), [:])
    }
}
