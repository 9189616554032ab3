import Dispatch
import Synchronization

/// Whether ingest is draining a broker backlog (its last batch was full: the broker had more
/// waiting), shared by the pipeline, which sets it per batch, and whoever should step aside
/// meanwhile: the wall-clock tick (device silence means nothing while old readings are still
/// coming in) and the HTTP alert dispatchers (their events are safe in the outbox; the readings
/// still in the broker are not).
///
/// A full batch counts for ``freshness`` only: when a backlog ends exactly on a full batch and
/// nothing follows, no later batch would say so.
public final class BacklogSignal: Sendable {
    /// Monotonic nanoseconds of the last full batch; 0 after a batch that was not full.
    private let lastFullBatch = Atomic<UInt64>(0)
    /// Nanoseconds a full batch means "draining" (a backlog delivers the next one within ms).
    static let freshness: UInt64 = 500_000_000

    public init() {}

    public var isDraining: Bool {
        let last = lastFullBatch.load(ordering: .relaxed)
        return last != 0 && DispatchTime.now().uptimeNanoseconds &- last < Self.freshness
    }

    func recordBatch(full: Bool) {
        lastFullBatch.store(full ? max(1, DispatchTime.now().uptimeNanoseconds) : 0, ordering: .relaxed)
    }
}
