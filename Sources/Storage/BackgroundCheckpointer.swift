import Dispatch
import Foundation
import GRDB

/// Checkpoints the WAL from its own connection on its own thread, so the writer never does.
///
/// With SQLite's automatic checkpoint, the connection whose commit crosses the threshold copies
/// the WAL back into the database and syncs it (several `fdatasync`s, tens of milliseconds) before
/// its commit returns. For the bridge that is the ingest thread: every batch behind it, and every
/// alert caused by those batches, waits. Open the store with `walAutocheckpointPages: 0` and run
/// this instead: a PASSIVE checkpoint never blocks writers or readers; it copies what it can.
///
/// `@unchecked Sendable`: the timer is created in `init` and afterwards only cancelled, which
/// dispatch allows from any thread; the queue is GRDB's serialised connection.
public final class BackgroundCheckpointer: @unchecked Sendable {
    private let queue: DatabaseQueue
    private let timer: any DispatchSourceTimer
    private let path: String

    /// Starts checkpointing `path` every `interval`.
    public init(path: String, interval: Duration = .seconds(1)) throws(StorageError) {
        self.path = path
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw .cannotOpen(path: path, reason: "checkpoint connection: \(error)")
        }
        let milliseconds = Int(interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "telemetry-bridge.checkpoint", qos: .utility))
        timer.schedule(deadline: .now() + .milliseconds(milliseconds), repeating: .milliseconds(max(1, milliseconds)))
        let queue = self.queue
        timer.setEventHandler {
            _ = try? queue.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        }
        timer.resume()
    }

    /// One checkpoint now; returns (frames in the WAL, frames checkpointed).
    @discardableResult
    public func checkpoint() throws(StorageError) -> (walFrames: Int, checkpointed: Int) {
        do {
            return try queue.writeWithoutTransaction { db in
                let result = try db.checkpoint(.passive)
                return (result.walFrameCount, result.checkpointedFrameCount)
            }
        } catch {
            throw .io(path: path, message: "checkpoint: \(error)")
        }
    }

    /// Stops the timer; a last checkpoint is left to SQLite when the last connection closes.
    public func stop() {
        timer.cancel()
    }

    deinit {
        timer.cancel()
    }
}
