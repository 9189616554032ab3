import Foundation
import GRDB
@testable import Storage
import Synchronization
import Telemetry
import XCTest

final class ConcurrentAccessTests: StoreTestCase {
    private final class Flag: Sendable {
        let value = Mutex(false)
    }

    func testReadsCompleteWhileAWriteTransactionIsOpen() throws {
        let store = try openStore()
        _ = try store.write(IngestBatch(devices: [Device(id: "d", type: "t")], readings: [Reading("d", "m", 1, 1)], observedAt: 1))
        let inTransaction = DispatchSemaphore(value: 0)
        let readsDone = DispatchSemaphore(value: 0)
        let writerFinished = DispatchSemaphore(value: 0)
        let committed = Flag()
        DispatchQueue.global().async {
            // The same writer connection the ingest path uses, held open mid-transaction.
            try? store.pool.write { db in
                try db.execute(sql: "INSERT INTO recent_readings(ts, series_id, value) SELECT 2, id, 2 FROM series")
                inTransaction.signal()
                _ = readsDone.wait(timeout: .now() + 30)
            }
            committed.value.withLock { $0 = true }
            writerFinished.signal()
        }
        XCTAssertEqual(inTransaction.wait(timeout: .now() + 30), .success)

        XCTAssertEqual(try store.readingCount(), 1)
        XCTAssertEqual(try exportAll(store).map(\.timestamp), [1])
        XCTAssertEqual(try store.readings(device: "d", metric: "m").count, 1)
        XCTAssertEqual(try store.devices().count, 1)
        XCTAssertEqual(try store.deadLetterCount(), 0)
        XCTAssertFalse(committed.value.withLock { $0 }, "reads waited for the writer to commit")

        readsDone.signal()
        XCTAssertEqual(writerFinished.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(try store.readingCount(), 2)
    }

    func testConcurrentWritersAreSerialisedWithoutLosingReadings() throws {
        let store = try openStore(configuration: .init(compactionThreshold: 500))
        let errors = Mutex<[StorageError]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for batch in 0..<25 {
                let readings = (0..<40).map { Reading("d\(worker)", "m\($0 % 2)", Int64(batch * 40 + $0), Double(worker)) }
                do throws(StorageError) {
                    _ = try store.write(IngestBatch(devices: [Device(id: "d\(worker)", type: "t")], readings: readings, observedAt: Int64(batch)))
                } catch {
                    errors.withLock { $0.append(error) }
                }
            }
        }
        XCTAssertEqual(errors.withLock { $0 }, [])
        XCTAssertEqual(try store.readingCount(), 4000)
        XCTAssertEqual(try store.series().count, 8)
    }
}
