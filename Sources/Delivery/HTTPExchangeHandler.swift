import NIOCore
import NIOHTTP1

/// One request at a time over a kept-alive HTTP/1.1 connection: the request goes out in a single
/// flush (head, body and end: one segment for a small event), the response is collected up to a
/// byte bound, and a deadline fails the exchange and closes the connection.
///
/// Event-loop bound, as every channel handler: ``HTTPPoster`` reaches it only through
/// `writeAndFlush(HTTPExchange)` on the channel.
final class HTTPExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPExchange
    typealias OutboundOut = HTTPClientRequestPart

    private let maximumBodyBytes: Int
    private var current: Current?

    private struct Current {
        var promise: EventLoopPromise<HTTPPoster.Response>
        var deadline: Scheduled<Void>
        var head: HTTPResponseHead?
        var body: ByteBuffer
        var keepAlive = true
    }

    init(maximumBodyBytes: Int) {
        self.maximumBodyBytes = maximumBodyBytes
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard current == nil else {
            exchange.response.fail(HTTPExchangeError.busy)
            promise?.fail(HTTPExchangeError.busy)
            return
        }
        // A kept-alive connection the receiver closed just before: its `channelInactive` has
        // passed already, so nothing else would answer this exchange.
        guard context.channel.isActive else {
            exchange.response.fail(HTTPExchangeError.closed(answered: false))
            promise?.fail(HTTPExchangeError.closed(answered: false))
            return
        }
        let deadline = context.eventLoop.assumeIsolated().scheduleTask(deadline: exchange.deadline) { [self] in
            finish(context: context, with: .failure(HTTPExchangeError.timedOut), close: true)
        }
        current = Current(promise: exchange.response, deadline: deadline,
                          body: context.channel.allocator.buffer(capacity: 0))
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenFailure { [self] _ in
            // Not sent (the connection went away while writing): nothing was answered.
            finish(context: context, with: .failure(HTTPExchangeError.closed(answered: false)), close: true)
        }
        written.futureResult.cascade(to: promise)
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(exchange.body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard current != nil else { return }  // an answer nobody asked for: dropped
        switch unwrapInboundIn(data) {
        case .head(let head):
            current?.head = head
            current?.keepAlive = head.isKeepAlive
        case .body(var part):
            let room = maximumBodyBytes - (current?.body.readableBytes ?? 0)
            if part.readableBytes > room, let slice = part.readSlice(length: max(0, room)) {
                // The rest is not worth reading: answer with what the status says, drop the connection.
                current?.body.writeImmutableBuffer(slice)
                finishWithResponse(context: context, close: true)
            } else {
                current?.body.writeBuffer(&part)
            }
        case .end:
            finishWithResponse(context: context, close: !(current?.keepAlive ?? false))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(context: context, with: .failure(HTTPExchangeError.closed(answered: current?.head != nil)), close: false)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset before any answer is the receiver dropping the connection (often a kept-alive
        // one it had already closed): the request may be sent again on a new one.
        let unanswered = error is IOError && current != nil && current?.head == nil
        finish(context: context, with: .failure(unanswered ? HTTPExchangeError.closed(answered: false) : error), close: true)
    }

    private func finishWithResponse(context: ChannelHandlerContext, close: Bool) {
        guard let head = current?.head, let body = current?.body else {
            finish(context: context, with: .failure(HTTPExchangeError.closed(answered: false)), close: true)
            return
        }
        let response = HTTPPoster.Response(status: Int(head.status.code), body: String(buffer: body))
        finish(context: context, with: .success(response), close: close)
    }

    private func finish(context: ChannelHandlerContext, with result: Result<HTTPPoster.Response, any Error>, close: Bool) {
        guard let exchange = current else { return }
        current = nil
        exchange.deadline.cancel()
        if close { context.close(promise: nil) }
        exchange.promise.completeWith(result)
    }
}

/// A request handed to ``HTTPExchangeHandler`` and the promise of its response.
struct HTTPExchange: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer
    var deadline: NIODeadline
    var response: EventLoopPromise<HTTPPoster.Response>
}

enum HTTPExchangeError: Error, CustomStringConvertible {
    /// A second request on a connection that has not answered the first (a bug, not a receiver's fault).
    case busy
    case timedOut
    /// The receiver closed the connection; `answered`: after the start of a response.
    case closed(answered: Bool)

    var description: String {
        switch self {
        case .busy: "the connection is busy"
        case .timedOut: "timed out"
        case .closed(let answered): answered ? "the receiver closed the connection during its answer"
                                             : "the receiver closed the connection without answering"
        }
    }
}
