import Foundation
import GRDB

extension TelemetryStore {
    /// Pauses before retrying a batch that found the database locked beyond the busy timeout.
    private static let busyRetryDelays: [Double] = [0.05, 0.2, 1]

    /// Stores a batch in one transaction: all of it, or nothing.
    ///
    /// Readings are idempotent on (device, metric, timestamp), alert events on their id; duplicates
    /// are not stored again. A batch may hold only alert events (e.g. ones driven by the wall clock).
    /// Returns once the batch is committed, which is when its messages may be acknowledged.
    ///
    /// - Throws: ``StorageError``; `.diskFull` and `.io` mean nothing of the batch was stored.
    ///   A lock held by another process is waited for (busy timeout), then retried a few times
    ///   before `.busy` is thrown.
    public func write(_ batch: IngestBatch) throws(StorageError) -> WriteOutcome {
        var attempt = 0
        while true {
            do {
                return try writeOnce(batch)
            } catch where error.isTransient && attempt < Self.busyRetryDelays.count {
                Thread.sleep(forTimeInterval: Self.busyRetryDelays[attempt])
                attempt += 1
            }
        }
    }

    /// Forgets what the writer caches about `devices` (gone, or never real): the cache otherwise
    /// holds every device and series ever written, for the life of the process.
    public func releaseCachedDevices(_ devices: Set<String>) {
        writerState.withLock { $0.forget(devices: devices) }
    }

    private func writeOnce(_ batch: IngestBatch) throws(StorageError) -> WriteOutcome {
        let path = self.path
        let configuration = self.configuration
        do {
            return try writerState.withLock { state in
                do {
                    return try pool.writeWithoutTransaction { db in
                        var outcome = WriteOutcome()
                        try db.inTransaction(.immediate) {
                            var writer = BatchWriter(db, path: path, configuration: configuration)
                            outcome = try writer.write(batch, state: &state)
                            return .commit
                        }
                        return outcome
                    }
                } catch {
                    state = WriterState()
                    throw error
                }
            }
        } catch {
            throw StorageError(error, path: path)
        }
    }
}

extension TelemetryStore {
    /// Moves all recently written readings into the series-ordered table now, instead of waiting
    /// for ``StoreConfiguration/compactionThreshold``. Queries see the same readings either way;
    /// this only makes later range reads cheaper (e.g. before a long export or at shutdown).
    public func compact() throws(StorageError) {
        do {
            try writerState.withLock { state in
                do {
                    try pool.write { db in try BatchWriter.compact(db) }
                    state.didCompact()
                } catch {
                    state = WriterState()
                    throw error
                }
            }
        } catch {
            throw StorageError(error, path: path)
        }
    }
}
