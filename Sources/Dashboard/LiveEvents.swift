import Storage
import Synchronization

/// Fans committed batches out to the `/api/events` clients as server-sent events.
///
/// ``publish(_:)`` is a ``Storage/CommitObserver``: it runs on the ingest thread, so it never waits
/// for a client and does not encode. With no client connected it costs one atomic load; otherwise
/// one allocation and a short lock per client to append the batch to the client's bounded buffer.
/// The clients' tasks encode each batch once, off the ingest thread. A client whose buffer is full
/// (it reads slower than the bridge commits) loses what was buffered and gets one `overflow` event
/// instead, telling it to reload its state; so does one whose waiting events encode to more than
/// ``maximumBufferedBytes``. At most ``maximumSubscribers`` clients stream at once; a client that
/// has received nothing but overflows for ``maximumLag`` is dropped, freeing its place.
public final class LiveEvents: Sendable {
    public static let defaultBufferCapacity = 256
    public static let defaultMaximumSubscribers = 16
    public static let defaultMaximumBufferedBytes = 256 << 10
    public static let defaultMaximumLag = Duration.seconds(10)
    public static let defaultKeepaliveInterval = Duration.seconds(15)
    /// A batch with more readings than this sends only the last reading of each series.
    public static let readingsLimit = 500

    private struct State {
        var subscribers: [Int: LiveEventSubscriber] = [:]
        var nextID = 0
        var closed = false
    }

    /// What ``subscribe()`` gives a new client.
    enum Subscription {
        case subscribed(LiveEventSubscriber)
        /// ``close()`` was called: the server is stopping.
        case closed
        /// ``maximumSubscribers`` clients are streaming already.
        case full

        var subscriber: LiveEventSubscriber? {
            if case .subscribed(let subscriber) = self { return subscriber }
            return nil
        }
    }

    /// Events each client may have waiting before it overflows.
    public let bufferCapacity: Int
    /// Bytes of encoded events a client may have waiting before it overflows.
    public let maximumBufferedBytes: Int
    /// Clients streaming at once; more are refused (503).
    public let maximumSubscribers: Int
    /// How long a client may receive only overflows before its stream is ended.
    public let maximumLag: Duration
    /// A `: keepalive` comment is sent after this long without an event.
    public let keepaliveInterval: Duration
    private let state = Mutex(State())
    private let subscriberCount = Atomic<Int>(0)

    public init(bufferCapacity: Int = LiveEvents.defaultBufferCapacity,
                keepaliveInterval: Duration = LiveEvents.defaultKeepaliveInterval,
                maximumSubscribers: Int = LiveEvents.defaultMaximumSubscribers,
                maximumBufferedBytes: Int = LiveEvents.defaultMaximumBufferedBytes,
                maximumLag: Duration = LiveEvents.defaultMaximumLag)
    {
        self.maximumLag = maximumLag
        self.bufferCapacity = max(1, bufferCapacity)
        self.keepaliveInterval = keepaliveInterval
        self.maximumSubscribers = max(0, maximumSubscribers)
        self.maximumBufferedBytes = max(1, maximumBufferedBytes)
    }

    /// The number of connected clients.
    public var subscribers: Int { subscriberCount.load(ordering: .relaxed) }

    /// Queues the events of one commit for every client; returns at once.
    public func publish(_ batch: CommittedBatch) {
        guard subscriberCount.load(ordering: .relaxed) > 0 else { return }
        let batch = LiveEventBatch(batch)
        guard batch.eventCount > 0 else { return }
        let targets = state.withLock { Array($0.subscribers.values) }
        for subscriber in targets { subscriber.enqueue(batch) }
    }

    /// Ends every stream and refuses new ones: lets the HTTP server shut down without waiting for
    /// clients that would otherwise stay connected forever.
    public func close() {
        let ended = state.withLock { state in
            state.closed = true
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        subscriberCount.store(0, ordering: .relaxed)
        for subscriber in ended { subscriber.finish() }
    }

    /// A new client's buffer, unless closed or full.
    func subscribe() -> Subscription {
        state.withLock { state in
            guard !state.closed else { return .closed }
            guard state.subscribers.count < maximumSubscribers else { return .full }
            let subscriber = LiveEventSubscriber(id: state.nextID, capacity: bufferCapacity, maximumBytes: maximumBufferedBytes)
            state.nextID += 1
            state.subscribers[subscriber.id] = subscriber
            subscriberCount.store(state.subscribers.count, ordering: .relaxed)
            return .subscribed(subscriber)
        }
    }

    func unsubscribe(_ subscriber: LiveEventSubscriber) {
        state.withLock { state in
            state.subscribers[subscriber.id] = nil
            subscriberCount.store(state.subscribers.count, ordering: .relaxed)
        }
        subscriber.finish()
    }
}
