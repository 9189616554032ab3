import Foundation
@testable import Storage
import Telemetry
import XCTest

/// `series(device:metric:from:to:points:)`: the downsampled chart query.
final class SeriesQueryTests: StoreTestCase {
    func testPicksTheSourceFromTheRangePerPoint() {
        let hour = RollupResolution.hour.milliseconds
        let minute = RollupResolution.minute.milliseconds
        XCTAssertEqual(TelemetryStore.seriesSource(from: 0, to: 1000 * minute - 1000, points: 1000), .raw)
        XCTAssertEqual(TelemetryStore.seriesSource(from: 0, to: 1000 * minute, points: 1000), .rollup(.minute))
        XCTAssertEqual(TelemetryStore.seriesSource(from: 0, to: 1000 * hour - 1000, points: 1000), .rollup(.minute))
        XCTAssertEqual(TelemetryStore.seriesSource(from: 0, to: 1000 * hour, points: 1000), .rollup(.hour))
        XCTAssertEqual(TelemetryStore.seriesSource(from: 0, to: 365 * 24 * hour, points: 1000), .rollup(.hour))
        XCTAssertEqual(TelemetryStore.seriesSource(from: .min, to: .max, points: 10), .rollup(.hour))
        XCTAssertNil(TelemetryStore.seriesSource(from: 5, to: 5, points: 10))
        XCTAssertNil(TelemetryStore.seriesSource(from: 0, to: 5, points: 0))
    }

    /// Two days of one reading every 7 s, with spikes, queried at several resolutions.
    func testEveryResolutionReturnsAtMostPointsBucketsWithTheRawEnvelopeAndCount() throws {
        let store = try openStore(configuration: .init(compactionThreshold: 10_000, lastSeenResolution: 0))
        var generator = SplitMix64(seed: 3)
        let start: Int64 = 1_700_000_000_000 / 3_600_000 * 3_600_000
        let end = start + 48 * 3_600_000
        var readings: [Reading] = []
        for ts in stride(from: start, to: end, by: 7_000) {
            readings.append(Reading("gh-1", "temperature", ts, Double(Int.random(in: -1000...1000, using: &generator)) / 8))
        }
        for chunk in stride(from: 0, to: readings.count, by: 5000) {
            _ = try store.write(IngestBatch(readings: Array(readings[chunk..<min(chunk + 5000, readings.count)]), observedAt: 1))
        }
        for (points, from, to, source) in [
            (1000, start, start + 3_600_000, TelemetryStore.SeriesSource.raw),
            (700, start, start + 24 * 3_600_000, .rollup(.minute)),
            (1000, start + 60_000, end - 120_000, .rollup(.minute)),
            (30, start, end, .rollup(.hour)),
            (7, start + 3_600_000, end, .rollup(.hour)),
        ] {
            XCTAssertEqual(TelemetryStore.seriesSource(from: from, to: to, points: points), source)
            let buckets = try store.series(device: "gh-1", metric: "temperature", from: from, to: to, points: points)
            let raw = readings.filter { $0.timestamp >= from && $0.timestamp < to }
            XCTAssertLessThanOrEqual(buckets.count, points, "\(source)")
            XCTAssertGreaterThan(buckets.count, points / 2, "\(source)")
            XCTAssertEqual(buckets.map(\.count).reduce(0, +), raw.count, "\(source)")
            XCTAssertEqual(buckets.map(\.min).min(), raw.map(\.value).min(), "\(source)")
            XCTAssertEqual(buckets.map(\.max).max(), raw.map(\.value).max(), "\(source)")
            let sum = buckets.reduce(0.0) { $0 + $1.avg * Double($1.count) }
            XCTAssertEqual(sum, raw.reduce(0.0) { $0 + $1.value }, accuracy: 1e-6 * Double(raw.count))
            XCTAssertEqual(buckets.map(\.start), buckets.map(\.start).sorted())
            XCTAssertTrue(buckets.allSatisfy { $0.start >= from && $0.start < to })
            // Each bucket is exactly the raw readings of its window.
            let width = buckets.count > 1 ? buckets[1].start - buckets[0].start : to - from
            if let first = buckets.first, first.start == from, buckets.count > 1 {
                let inFirst = raw.filter { $0.timestamp < from + width }.map(\.value)
                XCTAssertEqual(first.count, inFirst.count, "\(source)")
                XCTAssertEqual(first.min, inFirst.min(), "\(source)")
                XCTAssertEqual(first.max, inFirst.max(), "\(source)")
            }
        }
        XCTAssertEqual(try store.series(device: "gh-1", metric: "nope", from: start, to: end, points: 10), [])
        XCTAssertEqual(try store.series(device: "gh-1", metric: "temperature", from: end, to: start, points: 10), [])
    }

    func testRawSourceSpreadsReadingsOverPointsBuckets() throws {
        let store = try openStore()
        _ = try store.write(IngestBatch(readings: (0..<10).map { Reading("d", "m", Int64($0) * 100, Double($0)) }, observedAt: 1))
        let buckets = try store.series(device: "d", metric: "m", from: 0, to: 1000, points: 4)
        XCTAssertEqual(buckets, [
            RollupBucket(start: 0, count: 3, min: 0, max: 2, avg: 1),
            RollupBucket(start: 250, count: 2, min: 3, max: 4, avg: 3.5),
            RollupBucket(start: 500, count: 3, min: 5, max: 7, avg: 6),
            RollupBucket(start: 750, count: 2, min: 8, max: 9, avg: 8.5),
        ])
    }
}
