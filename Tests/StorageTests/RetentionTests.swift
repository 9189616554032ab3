import Foundation
@testable import Storage
import Telemetry
import XCTest

/// `applyRetention`: what is deleted per table, the cutoff boundaries, and chunking.
final class RetentionTests: StoreTestCase {
    private let minute = RollupResolution.minute.milliseconds
    private let hour = RollupResolution.hour.milliseconds

    private func count(_ store: TelemetryStore, _ table: String) throws -> Int {
        try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }

    private func starts(_ store: TelemetryStore, _ resolution: RollupResolution, device: String = "d") throws -> [Int64] {
        try store.rollups(device: device, metric: "m", from: .min, to: .max, resolution: resolution).map(\.start)
    }

    func testRawReadingAtTheCutoffIsKeptAndOlderOnesAreDeletedFromBothTables() throws {
        let store = try openStore()
        let now: Int64 = 10 * hour
        let cutoff = now - hour
        // Compacted: before, at and after the cutoff.
        _ = try store.write(IngestBatch(readings: [cutoff - 1, cutoff, cutoff + 1].map { Reading("d", "m", $0, 1) }, observedAt: 1))
        try store.compact()
        // Recent: the same around the cutoff, in another series.
        _ = try store.write(IngestBatch(readings: [cutoff - 5, cutoff, cutoff + 5].map { Reading("d", "n", $0, 1) }, observedAt: 2))
        XCTAssertEqual(try count(store, "readings"), 3)
        XCTAssertEqual(try count(store, "recent_readings"), 3)

        let outcome = try store.applyRetention(RetentionPolicy(raw: hour), now: now)
        XCTAssertEqual(outcome.readings, 2)
        XCTAssertEqual(outcome.minuteRollups, 0)
        XCTAssertEqual(outcome.hourRollups, 0)
        XCTAssertEqual(try store.readings(device: "d", metric: "m").map(\.timestamp), [cutoff, cutoff + 1])
        XCTAssertEqual(try store.readings(device: "d", metric: "n").map(\.timestamp), [cutoff, cutoff + 5])
        // Rollups are independent of raw retention.
        XCTAssertEqual(try store.rollups(device: "d", metric: "m", from: .min, to: .max, resolution: .minute).map(\.count), [1, 2])
        // Nothing left to delete the second time.
        XCTAssertEqual(try store.applyRetention(RetentionPolicy(raw: hour), now: now).readings, 0)
    }

    func testRollupBucketIsDeletedOnlyWhenItEndsAtOrBeforeTheCutoff() throws {
        let store = try openStore()
        // One reading in each minute from 0 to 3 h.
        _ = try store.write(IngestBatch(
            readings: stride(from: Int64(0), to: 3 * hour, by: Int(minute)).map { (start: Int64) in Reading("d", "m", start + 30_000, 1) },
            observedAt: 1))
        let now = 3 * hour
        // Minute cutoff 10 min + 30 s: buckets 0..<10 min end ≤ cutoff; the 10-minute one holds kept time.
        // Hour cutoff exactly 2 h: buckets 0 h and 1 h end ≤ cutoff; 2 h is kept.
        let policy = RetentionPolicy(minute: now - (10 * minute + 30_000), hour: hour)
        let outcome = try store.applyRetention(policy, now: now)
        XCTAssertEqual(outcome.readings, 0)
        XCTAssertEqual(outcome.minuteRollups, 10)
        XCTAssertEqual(outcome.hourRollups, 2)
        XCTAssertEqual(try starts(store, .minute), Array(stride(from: 10 * minute, to: 3 * hour, by: Int(minute))))
        XCTAssertEqual(try starts(store, .hour), [2 * hour])
        XCTAssertEqual(try store.readingCount(), 180)
    }

    func testNilKeepsForeverAndOtherTablesAreUntouched() throws {
        let store = try openStore()
        let letter = DeadLetter(topic: "t", payload: [1], receivedAt: 0, reasons: [.unknownTopic(topic: "t")])
        _ = try store.write(IngestBatch(readings: [Reading("d", "m", 0, 1)], deadLetters: [letter], observedAt: 0))
        let outcome = try store.applyRetention(RetentionPolicy(), now: 100 * hour)
        XCTAssertEqual(outcome, RetentionOutcome())
        XCTAssertEqual(try store.applyRetention(RetentionPolicy(raw: 0, minute: 0, hour: 0), now: 100 * hour).readings, 1)
        XCTAssertEqual(try store.readingCount(), 0)
        XCTAssertEqual(try count(store, "rollups_1m"), 0)
        XCTAssertEqual(try count(store, "rollups_1h"), 0)
        XCTAssertEqual(try store.deadLetterCount(), 1)
    }

    /// Many series and both reading tables, deleted in chunks of 37 rows; a write lands between chunks.
    func testDeletesInBoundedChunksAndIngestWritesBetweenThem() throws {
        let store = try openStore(configuration: .init(compactionThreshold: 1_000_000, lastSeenResolution: 0))
        var expected: [String: [Int64]] = [:]
        var readings: [Reading] = []
        for device in 0..<20 {
            for step in 0..<30 {
                let ts = Int64(step) * 20 * minute + Int64(device)
                readings.append(Reading("d\(device)", "m", ts, Double(step)))
                if ts >= 5 * hour { expected["d\(device)", default: []].append(ts) }
            }
        }
        _ = try store.write(IngestBatch(readings: Array(readings.prefix(300)), observedAt: 1))
        try store.compact()
        _ = try store.write(IngestBatch(readings: Array(readings.dropFirst(300)), observedAt: 2))

        var chunks: [Int] = []
        var written = 0
        let policy = RetentionPolicy(raw: 5 * hour, minute: 5 * hour, hour: 5 * hour)
        let outcome = try store.applyRetention(policy, now: 10 * hour, chunkSize: 37) { deleted in
            chunks.append(deleted)
            // The writer is free between chunks.
            written += try store.write(IngestBatch(readings: [Reading("late", "m", 10 * hour + Int64(chunks.count), 1)], observedAt: 3)).insertedReadings
        }
        let deletedReadings = readings.count - expected.values.map(\.count).reduce(0, +)
        XCTAssertEqual(outcome.readings, deletedReadings)
        XCTAssertEqual(outcome.transactions, chunks.count)
        XCTAssertEqual(chunks.reduce(0, +), outcome.readings + outcome.minuteRollups + outcome.hourRollups)
        XCTAssertTrue(chunks.allSatisfy { $0 <= 37 }, "\(chunks)")
        XCTAssertGreaterThan(chunks.count, deletedReadings / 37)
        XCTAssertEqual(written, chunks.count)
        for device in 0..<20 {
            XCTAssertEqual(try store.readings(device: "d\(device)", metric: "m").map(\.timestamp), expected["d\(device)"])
            // 20-minute steps: every stored bucket ends after the cutoff.
            XCTAssertTrue(try starts(store, .minute, device: "d\(device)").allSatisfy { $0 + minute > 5 * hour })
            XCTAssertEqual(try starts(store, .hour, device: "d\(device)"), [5, 6, 7, 8, 9].map { $0 * hour })
        }
        XCTAssertEqual(try store.readings(device: "late", metric: "m").count, chunks.count)
    }
}
