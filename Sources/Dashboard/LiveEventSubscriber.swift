import Synchronization

/// One `/api/events` client's bounded buffer of committed batches, filled by the ingest thread and
/// drained (and encoded) by the client's response task.
final class LiveEventSubscriber: Sendable {
    /// What the response writes next.
    enum Delivery: Equatable {
        /// Encoded frames, concatenated.
        case events([UInt8])
        /// Nothing happened for a keepalive interval.
        case keepalive
        /// The stream is over (shutdown or disconnect).
        case finished
    }

    private enum Entry {
        case batch(LiveEventBatch)
        case overflow
    }

    private struct State {
        var entries: [Entry] = []
        /// Events the entries make, against the capacity.
        var events = 0
        var overflows = 0
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
        /// Tells a keepalive timer whether the wait it was started for is still the current one.
        var wait = 0
        /// Since when every delivery has been an overflow: the client cannot keep up.
        var behindSince: ContinuousClock.Instant?
    }

    static let overflowFrame = Array("event: overflow\ndata: {}\n\n".utf8)

    let id: Int
    let capacity: Int
    /// Encoded bytes one delivery may carry; more is replaced by one `overflow` event.
    let maximumBytes: Int
    private let state = Mutex(State())

    init(id: Int, capacity: Int, maximumBytes: Int = LiveEvents.defaultMaximumBufferedBytes) {
        self.id = id
        self.capacity = capacity
        self.maximumBytes = maximumBytes
    }

    /// Buffers `batch`; on overflow drops everything buffered and the new batch and leaves one
    /// `overflow` event in their place. Never blocks.
    func enqueue(_ batch: LiveEventBatch) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.finished else { return nil }
            if state.events + batch.eventCount > capacity {
                state.entries = [.overflow]
                state.events = 1
                state.overflows += 1
            } else {
                state.entries.append(.batch(batch))
                state.events += batch.eventCount
            }
            return state.waiter.take()
        }
        waiter?.resume()
    }

    /// How many times this client's buffer overflowed.
    var overflows: Int { state.withLock { $0.overflows } }

    func finish() {
        let waiter = state.withLock { state in
            state.finished = true
            return state.waiter.take()
        }
        waiter?.resume()
    }

    /// The buffered events, or a keepalive once `keepalive` passes without any, or the end.
    /// Task cancellation ends the stream.
    func next(keepalive: Duration) async -> Delivery {
        if let ready = take() { return ready }
        let wait = state.withLock { state in
            state.wait += 1
            return state.wait
        }
        let timer = Task { [weak self] in
            guard (try? await Task.sleep(for: keepalive)) != nil else { return }
            self?.wake(wait: wait)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state in
                    guard state.entries.isEmpty, !state.finished, state.wait == wait else { return true }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            finish()
        }
        timer.cancel()
        return take() ?? .keepalive
    }

    /// Everything buffered, encoded outside the lock so the ingest thread never waits for it.
    private func take() -> Delivery? {
        let (entries, finished) = state.withLock { state in
            defer {
                state.entries.removeAll(keepingCapacity: true)
                state.events = 0
            }
            return (state.entries, state.finished)
        }
        guard !entries.isEmpty else { return finished ? .finished : nil }
        var bytes: [UInt8] = []
        var overflowed = false
        for entry in entries {
            switch entry {
            case .batch(let batch):
                let frames = batch.frames
                guard bytes.count + frames.count <= maximumBytes else {
                    state.withLock { $0.overflows += 1 }
                    return delivery(Self.overflowFrame, overflowOnly: true)
                }
                bytes += frames
            case .overflow:
                bytes += Self.overflowFrame
                overflowed = true
            }
        }
        return delivery(bytes, overflowOnly: overflowed && entries.count == 1)
    }

    private func delivery(_ bytes: [UInt8], overflowOnly: Bool) -> Delivery {
        state.withLock { state in
            if !overflowOnly {
                state.behindSince = nil
            } else if state.behindSince == nil {
                state.behindSince = .now
            }
        }
        return .events(bytes)
    }

    /// Whether every delivery for `duration` has been an overflow: the client reads (or its
    /// network carries) less than the bridge commits, so it only ever learns to reload.
    func isBehind(for duration: Duration) -> Bool {
        state.withLock { state in state.behindSince.map { ContinuousClock.now - $0 >= duration } ?? false }
    }

    private func wake(wait: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.wait == wait else { return nil }
            state.wait += 1
            return state.waiter.take()
        }
        waiter?.resume()
    }
}
