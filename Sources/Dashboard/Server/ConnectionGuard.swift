import NIOCore
import NIOHTTPTypes

/// Bounds one dashboard connection: registers it in the server's ``ConnectionTable`` (which may
/// evict an idle connection for it, or refuse it), tells the table when a request is in
/// progress, and drops a client that reads none of its response for the slow-client timeout
/// (its unsent bytes would otherwise stay buffered for as long as it keeps the connection open).
///
/// "Reads none" is measured as progress, not writability: while writes are outstanding, one of
/// them must reach the socket within the timeout. (A zero-window peer lets the kernel's send
/// buffer grow and trickle now and then, so writability flips back and forth even for a client
/// that never reads.) Runs on the connection's event loop.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let table: ConnectionTable
    private let slowClientTimeout: TimeAmount
    private var id: Int?
    /// Writes passed down and not yet written to the socket.
    private var outstandingWrites = 0
    /// When a write last reached the socket, or writes began to be outstanding.
    private var lastProgress = NIODeadline.now()
    private var check: Scheduled<Void>?

    init(table: ConnectionTable, slowClientTimeout: Duration) {
        self.table = table
        self.slowClientTimeout = TimeAmount(slowClientTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        id = table.admit(context.channel)
        if id == nil { context.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if let id { table.release(id) }
        id = nil
        check?.cancel()
        check = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let id, case .head = unwrapInboundIn(data) { table.mark(id, busy: true) }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if let id, case .end = unwrapOutboundIn(data) { table.mark(id, busy: false) }
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
                table.countDropped()
                channel.close(promise: nil)
            } else {
                scheduleCheck(context)
            }
        }
    }
}
