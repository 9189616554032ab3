import Synchronization

/// Running totals of the daemon, shared between the MQTT loop thread (which writes) and the
/// summary logger and health checks (which read).
public final class IngestCounters: Sendable {
    public let messages = Atomic<Int>(0)
    public let readings = Atomic<Int>(0)
    public let duplicates = Atomic<Int>(0)
    public let deadLetters = Atomic<Int>(0)
    public let batches = Atomic<Int>(0)
    /// Messages handed to the pipeline but not committed yet.
    public let pending = Atomic<Int>(0)
    /// Wall-clock milliseconds of the last successful commit (0 before the first).
    public let lastCommitAt = Atomic<Int64>(0)
    /// Whether the last commit failed (the writer is unhealthy until one succeeds again).
    public let lastCommitFailed = Atomic<Bool>(false)

    public init() {}

    /// A consistent-enough copy for logging.
    public func snapshot() -> Snapshot {
        Snapshot(
            messages: messages.load(ordering: .relaxed),
            readings: readings.load(ordering: .relaxed),
            duplicates: duplicates.load(ordering: .relaxed),
            deadLetters: deadLetters.load(ordering: .relaxed),
            batches: batches.load(ordering: .relaxed),
            pending: pending.load(ordering: .relaxed)
        )
    }

    public struct Snapshot: Sendable, Hashable {
        public var messages: Int
        public var readings: Int
        public var duplicates: Int
        public var deadLetters: Int
        public var batches: Int
        public var pending: Int
    }
}
