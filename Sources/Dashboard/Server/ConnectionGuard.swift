import NIOCore
import Synchronization

/// Bounds the dashboard's connections: counts them, closes those beyond the limit at once, and
/// drops a client that reads none of its response for the slow-client timeout (its unsent bytes
/// would otherwise stay buffered for as long as it keeps the connection open).
///
/// "Reads none" is measured as progress, not writability: while writes are outstanding, one of
/// them must reach the socket within the timeout. (A zero-window peer lets the kernel's send
/// buffer grow and trickle now and then, so writability flips back and forth even for a client
/// that never reads.)
///
/// One instance per connection, added to its channel pipeline; ``Counter`` is shared by all of
/// them. Runs on the connection's event loop.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = Never
    typealias OutboundIn = Never

    /// Connections open now, across the server.
    final class Counter: Sendable {
        let limit: Int
        private let open = Atomic<Int>(0)
        private let refused = Atomic<Int>(0)
        private let dropped = Atomic<Int>(0)

        init(limit: Int) {
            self.limit = max(1, limit)
        }

        var connections: Int { open.load(ordering: .relaxed) }
        /// Connections closed because the limit was reached.
        var refusedConnections: Int { refused.load(ordering: .relaxed) }
        /// Clients dropped because they did not read their responses.
        var droppedSlowClients: Int { dropped.load(ordering: .relaxed) }

        /// Counts a new connection; false when it is one too many (it is not counted then).
        func admit() -> Bool {
            if open.wrappingAdd(1, ordering: .relaxed).newValue <= limit { return true }
            open.wrappingSubtract(1, ordering: .relaxed)
            refused.wrappingAdd(1, ordering: .relaxed)
            return false
        }

        func release() {
            open.wrappingSubtract(1, ordering: .relaxed)
        }

        func countDropped() {
            dropped.wrappingAdd(1, ordering: .relaxed)
        }
    }

    private let counter: Counter
    private let slowClientTimeout: TimeAmount
    private var admitted = false
    /// Writes passed down and not yet written to the socket.
    private var outstandingWrites = 0
    /// When a write last reached the socket, or writes began to be outstanding.
    private var lastProgress = NIODeadline.now()
    private var check: Scheduled<Void>?

    init(counter: Counter, slowClientTimeout: Duration) {
        self.counter = counter
        self.slowClientTimeout = TimeAmount(slowClientTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        admitted = counter.admit()
        if !admitted { context.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if admitted { counter.release() }
        admitted = false
        check?.cancel()
        check = nil
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let promise = promise ?? context.eventLoop.makePromise()
        if outstandingWrites == 0 { lastProgress = .now() }
        outstandingWrites += 1
        promise.futureResult.assumeIsolated().whenComplete { [self] _ in
            outstandingWrites -= 1
            lastProgress = .now()
        }
        if check == nil { scheduleCheck(context) }
        context.write(data, promise: promise)
    }

    private func scheduleCheck(_ context: ChannelHandlerContext) {
        let channel = context.channel
        check = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(max(1_000_000, slowClientTimeout.nanoseconds / 2))) { [self] in
            check = nil
            guard outstandingWrites > 0 else { return }
            if NIODeadline.now() - lastProgress >= slowClientTimeout {
                counter.countDropped()
                channel.close(promise: nil)
            } else {
                scheduleCheck(context)
            }
        }
    }
}
