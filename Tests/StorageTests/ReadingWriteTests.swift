import Foundation
@testable import Storage
import Telemetry
import XCTest

final class ReadingWriteTests: StoreTestCase {
    func testReadingsReadBackExactly() throws {
        let store = try openStore()
        let values: [Double] = [21.5, -0.0001, 1e-300, 123456789.123456789, -40, .greatestFiniteMagnitude]
        let readings = values.enumerated().map { Reading("gh-07", "temperature", 1_795_000_000_000 + Int64($0.offset) * 1001, $0.element) }
        let outcome = try store.write(IngestBatch(
            devices: [Device(id: "gh-07", type: "climate-sensor", labels: ["site": "north", "row": "3"])],
            units: [SeriesKey(device: "gh-07", metric: "temperature"): "°C"],
            readings: readings, observedAt: 1_795_000_100_000))
        XCTAssertEqual(outcome, WriteOutcome(insertedReadings: 6, newSeries: 1, newDevices: 1))
        XCTAssertEqual(try store.readings(device: "gh-07", metric: "temperature"), readings)
        XCTAssertEqual(try store.devices(), [StoredDevice(
            id: "gh-07", type: "climate-sensor", labels: ["row": "3", "site": "north"],
            firstSeen: 1_795_000_100_000, lastSeen: 1_795_000_100_000)])
        XCTAssertEqual(try store.series().map { [$0.device, $0.metric, $0.unit ?? "-"] }, [["gh-07", "temperature", "°C"]])
        XCTAssertEqual(try store.readingCount(), 6)
    }

    func testLabelsColumnIsJSONWithSortedKeys() throws {
        let store = try openStore()
        _ = try store.write(IngestBatch(
            devices: [Device(id: "d", type: "t", labels: ["z": "1", "a": "quote\" back\\ \n", "m": "é"])], observedAt: 1))
        let text = try store.pool.read { try String.fetchOne($0, sql: "SELECT labels FROM devices") }
        XCTAssertEqual(text, #"{"a":"quote\" back\\ \n","m":"é","z":"1"}"#)
    }

    func testDuplicatesInOneBatchAreStoredOnceAndCounted() throws {
        let store = try openStore()
        let outcome = try store.write(IngestBatch(readings: [
            Reading("d", "m", 10, 1), Reading("d", "m", 10, 2), Reading("d", "m", 11, 3), Reading("d", "m", 10, 4),
        ], observedAt: 1))
        XCTAssertEqual(outcome.insertedReadings, 2)
        XCTAssertEqual(outcome.duplicateReadings, 2)
        XCTAssertEqual(try store.readings(device: "d", metric: "m").map(\.value), [1, 3])
    }

    func testDuplicatesAcrossBatchesKeepTheFirstValue() throws {
        let store = try openStore()
        _ = try store.write(IngestBatch(readings: [Reading("d", "m", 10, 1), Reading("d", "n", 10, 5)], observedAt: 1))
        let outcome = try store.write(IngestBatch(readings: [
            Reading("d", "m", 10, 99), Reading("d", "m", 20, 2), Reading("d", "n", 10, 98),
        ], observedAt: 2))
        XCTAssertEqual(outcome.insertedReadings, 1)
        XCTAssertEqual(outcome.duplicateReadings, 2)
        XCTAssertEqual(outcome.newSeries, 0)
        XCTAssertEqual(try store.readings(device: "d", metric: "m").map(\.value), [1, 2])
        XCTAssertEqual(try store.readings(device: "d", metric: "n").map(\.value), [5])
    }

    func testDuplicatesOfCompactedReadingsAreDetected() throws {
        let store = try openStore(configuration: .init(compactionThreshold: 3))
        let first = (0..<5).map { Reading("d", "m", Int64($0) * 10, Double($0)) }
        XCTAssertEqual(try store.write(IngestBatch(readings: first, observedAt: 1)).insertedReadings, 5)
        // This batch starts by compacting the first; its replayed readings must be found there.
        let replay = try store.write(IngestBatch(readings: first + [Reading("d", "m", 5, 0.5), Reading("d", "m", 100, 10)], observedAt: 2))
        XCTAssertEqual(replay.insertedReadings, 2)
        XCTAssertEqual(replay.duplicateReadings, 5)
        let compacted = try store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM readings") }
        XCTAssertEqual(compacted, 5)
        // Duplicates both of compacted and of recent readings, in a store reopened with cold caches.
        let reopened = try openStore(configuration: .init(compactionThreshold: 1000))
        let again = try reopened.write(IngestBatch(readings: first + [Reading("d", "m", 5, 7), Reading("d", "m", 100, 7)], observedAt: 3))
        XCTAssertEqual(again.insertedReadings, 0)
        XCTAssertEqual(again.duplicateReadings, 7)
        XCTAssertEqual(try reopened.readings(device: "d", metric: "m").map(\.timestamp), [0, 5, 10, 20, 30, 40, 100])
        XCTAssertEqual(try reopened.readings(device: "d", metric: "m", from: 5, to: 30).map(\.value), [0.5, 1, 2])
    }

    func testCompactMovesRecentReadingsWithoutChangingResults() throws {
        let store = try openStore()
        let readings = (0..<50).map { Reading("d\($0 % 3)", "m", Int64($0), Double($0)) }
        _ = try store.write(IngestBatch(readings: readings, observedAt: 1))
        let before = try exportAll(store)
        try store.compact()
        let counts = try store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM readings"), try Int.fetchOne(db, sql: "SELECT count(*) FROM recent_readings"))
        }
        XCTAssertEqual(counts.0, 50)
        XCTAssertEqual(counts.1, 0)
        XCTAssertEqual(try exportAll(store), before)
        XCTAssertEqual(try store.write(IngestBatch(readings: readings, observedAt: 2)).duplicateReadings, 50)
    }

    func testDeviceTypeAndLabelChangesUpdateTheRow() throws {
        let store = try openStore()
        _ = try store.write(IngestBatch(devices: [Device(id: "d", type: "v1", labels: ["site": "north"])], observedAt: 100))
        _ = try store.write(IngestBatch(devices: [Device(id: "d", type: "v1", labels: ["site": "north"])], observedAt: 200))
        _ = try store.write(IngestBatch(devices: [Device(id: "d", type: "v2", labels: ["site": "south", "row": "1"])], observedAt: 300))
        // A late batch (older receive time) changes labels but never moves last_seen back.
        _ = try store.write(IngestBatch(devices: [Device(id: "d", type: "v2", labels: ["site": "east"])], observedAt: 250))
        XCTAssertEqual(try store.devices(), [StoredDevice(id: "d", type: "v2", labels: ["site": "east"], firstSeen: 100, lastSeen: 300)])
        let reopened = try openStore()
        _ = try reopened.write(IngestBatch(devices: [Device(id: "d", type: "v2", labels: ["site": "east"])], observedAt: 400))
        XCTAssertEqual(try reopened.devices().first?.lastSeen, 400)
    }

    func testLastSeenResolutionSkipsSmallAdvances() throws {
        let store = try openStore(configuration: .init(lastSeenResolution: 1000))
        let device = Device(id: "d", type: "t")
        for time: Int64 in [10_000, 10_400, 10_900] {
            _ = try store.write(IngestBatch(devices: [device], observedAt: time))
        }
        XCTAssertEqual(try store.devices().first?.lastSeen, 10_000)
        _ = try store.write(IngestBatch(devices: [device], observedAt: 11_000))
        XCTAssertEqual(try store.devices().first?.lastSeen, 11_000)
    }

    func testReadingOfUnannouncedDeviceRegistersIt() throws {
        let store = try openStore()
        let outcome = try store.write(IngestBatch(readings: [Reading("ghost", "m", 1, 1)], observedAt: 42))
        XCTAssertEqual(outcome.newDevices, 1)
        XCTAssertEqual(try store.devices(), [StoredDevice(id: "ghost", type: "unknown", labels: [:], firstSeen: 42, lastSeen: 42)])
        _ = try store.write(IngestBatch(devices: [Device(id: "ghost", type: "real", labels: ["a": "b"])], observedAt: 43))
        XCTAssertEqual(try store.devices().first?.type, "real")
    }

    func testNaNReadingsAreRejectedNotStored() throws {
        let store = try openStore()
        let outcome = try store.write(IngestBatch(
            readings: [Reading("d", "m", 1, .nan), Reading("d", "m", 2, .infinity), Reading("d", "m", 3, 1)], observedAt: 1))
        XCTAssertEqual(outcome.rejectedReadings, 1)
        XCTAssertEqual(outcome.insertedReadings, 2)
        XCTAssertEqual(try store.readings(device: "d", metric: "m").map(\.value), [.infinity, 1])
    }

    func testUnitsAreSetOnCreationAndUpdatedWhenChanged() throws {
        let store = try openStore()
        let key = SeriesKey(device: "d", metric: "t")
        _ = try store.write(IngestBatch(units: [key: "°F"], readings: [Reading("d", "t", 1, 70), Reading("d", "h", 1, 50)], observedAt: 1))
        XCTAssertEqual(try store.series().map(\.unit), [nil, "°F"])
        _ = try store.write(IngestBatch(units: [key: "°C"], readings: [Reading("d", "t", 2, 21)], observedAt: 2))
        XCTAssertEqual(try store.series().map(\.unit), [nil, "°C"])
    }

    func testFailedBatchStoresNothingAndStoreRecovers() throws {
        let store = try openStore(configuration: .init(lastSeenResolution: 0))
        _ = try store.write(IngestBatch(devices: [Device(id: "d0", type: "t")], readings: [Reading("d0", "m", 1, 1)], observedAt: 1))
        let pageCount = try store.pool.read { try Int.fetchOne($0, sql: "PRAGMA page_count") } ?? 0
        try store.pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA max_page_count = \(pageCount + 2)") }
        let devices = (1...500).map { Device(id: "device-\($0)-" + String(repeating: "x", count: 40), type: "t", labels: ["k": "v\($0)"]) }
        let big = IngestBatch(
            devices: devices,
            readings: devices.flatMap { d in (0..<20).map { Reading(d.id, "m", Int64($0), Double($0)) } },
            observedAt: 2)
        XCTAssertThrowsError(try store.write(big)) { error in
            XCTAssertEqual(error as? StorageError, .diskFull(path: store.path))
            XCTAssertTrue(String(describing: error).contains(store.path))
        }
        XCTAssertEqual(try store.readingCount(), 1)
        XCTAssertEqual(try store.devices().map(\.id), ["d0"])
        try store.pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA max_page_count = 1073741823") }
        let outcome = try store.write(big)
        XCTAssertEqual(outcome.insertedReadings, 10_000)
        XCTAssertEqual(outcome.newDevices, 500)
        XCTAssertEqual(outcome.newSeries, 500)
        XCTAssertEqual(try store.readingCount(), 10_001)
    }
}
