import Foundation
import GRDB
@testable import Storage
import Telemetry
import XCTest

/// `latestReadings(at:)`: the last reading of every series at or before T, against brute force.
final class LatestReadingsTests: StoreTestCase {
    private let day: Int64 = 86_400_000
    private let start: Int64 = 1_767_225_600_000 // 2026-01-01

    /// Readings spread over a year: a busy series, sparse ones, one silent for months, one that
    /// starts late, and late-arriving old readings written after compaction (so they sit in the
    /// staging table behind newer compacted ones).
    private func seed(_ store: TelemetryStore) throws -> [Reading] {
        var generator = SplitMix64(seed: 11)
        var readings: [Reading] = []
        for ts in stride(from: start, to: start + 40 * day, by: 600_000) {
            readings.append(Reading("busy", "temperature", ts, Double(Int.random(in: 0...400, using: &generator)) / 10))
        }
        for device in ["a", "b", "c"] {
            var ts = start
            while ts < start + 300 * day {
                readings.append(Reading(device, "humidity", ts, Double(Int.random(in: 0...100, using: &generator))))
                ts += Int64.random(in: 1...(5 * day), using: &generator)
            }
        }
        // Silent from mid-January for the rest of the year.
        readings += (0..<20).map { Reading("quiet", "battery", start + Int64($0) * 3_600_000, 3.3 - Double($0) / 100) }
        // Appears only in June.
        readings += (0..<10).map { Reading("late-starter", "co2", start + 160 * day + Int64($0) * 60_000, 400 + Double($0)) }
        readings.append(Reading("busy", "humidity", start + 5 * day, .infinity))

        let first = readings.filter { $0.timestamp < start + 150 * day }
        let second = readings.filter { $0.timestamp >= start + 150 * day }
        for chunk in stride(from: 0, to: first.count, by: 700) {
            _ = try store.write(IngestBatch(readings: Array(first[chunk..<min(chunk + 700, first.count)]), observedAt: start))
        }
        try store.compact()
        _ = try store.write(IngestBatch(readings: second, observedAt: start))
        // Late readings, older than compacted ones of the same series.
        let late = [
            Reading("a", "humidity", start + 2 * day + 1, 77),
            Reading("busy", "temperature", start + 10 * day + 1, -5),
            Reading("quiet", "battery", start + 20 * 3_600_000, 2.9),
        ]
        _ = try store.write(IngestBatch(readings: late, observedAt: start + 300 * day))
        return readings + late
    }

    private func expected(_ readings: [Reading], at time: Int64) -> [String] {
        var latest: [SeriesKey: Reading] = [:]
        for reading in readings where reading.timestamp <= time {
            let key = SeriesKey(device: reading.device, metric: reading.metric)
            if let known = latest[key], known.timestamp >= reading.timestamp { continue }
            latest[key] = reading
        }
        return latest.values
            .sorted { ($0.device, $0.metric) < ($1.device, $1.metric) }
            .map { "\($0.device)/\($0.metric) \($0.timestamp) \($0.value)" }
    }

    func testEqualsBruteForceAcrossCompactedAndStagedReadings() throws {
        let store = try openStore(configuration: .init(compactionThreshold: 1_000, lastSeenResolution: 0))
        let readings = try seed(store)
        let counts = try DatabaseQueue(path: store.path).read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM readings") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM recent_readings") ?? 0)
        }
        XCTAssertGreaterThan(counts.0, 1_000, "some readings compacted")
        XCTAssertGreaterThan(counts.1, 3, "some readings still staged")

        var generator = SplitMix64(seed: 5)
        var times: [Int64] = [.min, start - 1, start, start + 2 * day + 1, start + 10 * day + 1, start + 160 * day - 1,
                              start + 160 * day, start + 200 * day, start + 400 * day, .max]
        times += readings.shuffled(using: &generator).prefix(30).map(\.timestamp)
        times += (0..<30).map { _ in start + Int64.random(in: 0...(320 * day), using: &generator) }
        for time in times {
            let actual = try store.latestReadings(at: time).map {
                "\($0.series.device)/\($0.series.metric) \($0.timestamp) \($0.value)"
            }
            XCTAssertEqual(actual, expected(readings, at: time), "at \(time)")
        }
    }

    func testSilentSeriesKeepsItsLastValueAndSeriesNotStartedYetAreAbsent() throws {
        let store = try openStore(configuration: .init(compactionThreshold: 1_000, lastSeenResolution: 0))
        _ = try seed(store)
        let june = try store.latestReadings(at: start + 155 * day)
        let quiet = try XCTUnwrap(june.first { $0.series.device == "quiet" })
        XCTAssertEqual(quiet.timestamp, start + 20 * 3_600_000)
        XCTAssertEqual(quiet.value, 2.9)
        XCTAssertNil(june.first { $0.series.device == "late-starter" })
        XCTAssertEqual(try store.latestReadings(at: start - 1), [])
        let units = try store.latestReadings(at: .max).first { $0.series.device == "busy" && $0.series.metric == "humidity" }
        XCTAssertEqual(units?.value, .infinity)
    }

    func testEmptyStoreHasNoLatestReadings() throws {
        let store = try openStore()
        XCTAssertEqual(try store.latestReadings(at: .max), [])
    }
}
