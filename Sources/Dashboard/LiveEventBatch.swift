import Storage
import Synchronization

/// One commit on its way to the `/api/events` clients. The ingest thread only wraps the batch;
/// its frames are encoded by the first client task that sends them, once, and shared.
final class LiveEventBatch: Sendable {
    let batch: CommittedBatch
    /// How many events the batch makes: what a client's buffer capacity counts.
    let eventCount: Int
    private let encoded = Mutex<[UInt8]?>(nil)

    init(_ batch: CommittedBatch) {
        self.batch = batch
        eventCount = (batch.readings.isEmpty ? 0 : 1) + batch.alerts.count + batch.deadLetters.count
    }

    /// The batch's frames, concatenated.
    var frames: [UInt8] {
        encoded.withLock { encoded in
            if let encoded { return encoded }
            let frames = Array(LiveEventFrames.frames(of: batch, readingsLimit: LiveEvents.readingsLimit).joined())
            encoded = frames
            return frames
        }
    }
}
