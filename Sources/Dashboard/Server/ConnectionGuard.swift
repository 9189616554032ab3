import NIOCore
import Synchronization

/// Bounds the dashboard's connections: counts them, closes those beyond the limit at once, and
/// drops a client that reads none of its response for the slow-client timeout (its unsent bytes
/// would otherwise stay buffered for as long as it keeps the connection open).
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
    private var stalled: Scheduled<Void>?

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
        stalled?.cancel()
        stalled = nil
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stalled?.cancel()
            stalled = nil
        } else if stalled == nil {
            let channel = context.channel
            let counter = self.counter
            stalled = context.eventLoop.scheduleTask(in: slowClientTimeout) {
                counter.countDropped()
                channel.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }
}
