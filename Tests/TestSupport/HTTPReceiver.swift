import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP server on a free loopback port that records every request and answers as a test
/// scripts it: a status, no answer at all (the client times out), or a closed connection. Tests
/// wait for requests with deadlines, never sleeps. ``stop()`` takes it down; ``start()`` brings
/// it back on the same port.
public final class HTTPReceiver: @unchecked Sendable {
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public enum Reply: Sendable {
        case status(Int, body: String = "")
        /// Never answers (the client's deadline ends it).
        case hang
        /// Closes the connection without an answer.
        case close
    }

    public private(set) var port: Int = 0
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var channel: Channel?
    private var connections: [ObjectIdentifier: Channel] = [:]
    private let condition = NSCondition()
    private var recorded: [Request] = []
    private var accepted = 0
    private var script: @Sendable (Request) -> Reply

    /// Starts listening; `script` decides each answer (default 200).
    public init(script: @escaping @Sendable (Request) -> Reply = { _ in .status(200) }) throws {
        self.script = script
        try start()
    }

    deinit {
        try? channel?.close().wait()
        try? group.syncShutdownGracefully()
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Replaces the script for the requests from now on.
    public func answer(_ script: @escaping @Sendable (Request) -> Reply) {
        condition.lock()
        self.script = script
        condition.unlock()
    }

    /// Listens again (on the same port after a ``stop()``).
    public func start() throws {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                track(channel)
                return channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(receiver: self))
                }
            }
        let bound = try bootstrap.bind(host: "127.0.0.1", port: port).wait()
        channel = bound
        port = bound.localAddress?.port ?? 0
    }

    /// Stops listening and drops open connections: the receiver is down.
    public func stop() {
        try? channel?.close().wait()
        channel = nil
        condition.lock()
        let open = Array(connections.values)
        connections = [:]
        condition.unlock()
        for connection in open { try? connection.close().wait() }
    }

    private func track(_ channel: Channel) {
        let key = ObjectIdentifier(channel)
        condition.lock()
        connections[key] = channel
        accepted += 1
        condition.unlock()
        channel.closeFuture.whenComplete { [weak self] _ in
            guard let self else { return }
            condition.lock()
            connections[key] = nil
            condition.unlock()
        }
    }

    /// Connections accepted so far (a client that keeps its connection alive opens one).
    public var acceptedConnections: Int {
        condition.lock()
        defer { condition.unlock() }
        return accepted
    }

    /// Every request so far.
    public var requests: [Request] {
        condition.lock()
        defer { condition.unlock() }
        return recorded
    }

    /// Waits until at least `count` requests arrived (or throws after `timeout` seconds).
    @discardableResult
    public func waitForRequests(_ count: Int, timeout: Double = 30) throws -> [Request] {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while recorded.count < count {
            if !condition.wait(until: deadline) {
                throw TestSupportError("\(recorded.count) of \(count) HTTP requests arrived within \(timeout) s")
            }
        }
        return recorded
    }

    fileprivate func receive(_ request: Request) -> Reply {
        condition.lock()
        recorded.append(request)
        let reply = script(request)
        condition.broadcast()
        condition.unlock()
        return reply
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let receiver: HTTPReceiver
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(receiver: HTTPReceiver) {
            self.receiver = receiver
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let reply = receiver.receive(Request(method: "\(head.method)", path: head.uri, headers: headers, body: body))
                switch reply {
                case .hang:
                    return
                case .close:
                    context.close(promise: nil)
                case .status(let code, let text):
                    var responseHeaders = HTTPHeaders()
                    responseHeaders.add(name: "Content-Length", value: "\(text.utf8.count)")
                    responseHeaders.add(name: "Content-Type", value: "text/plain")
                    context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .init(statusCode: code),
                                                                         headers: responseHeaders))), promise: nil)
                    var buffer = context.channel.allocator.buffer(capacity: text.utf8.count)
                    buffer.writeString(text)
                    context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                }
            }
        }
    }
}
