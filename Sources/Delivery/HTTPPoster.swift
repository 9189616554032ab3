import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
import Telemetry

/// Blocking HTTP POSTs for the HTTP sinks, over kept-alive HTTP/1.1 connections on one event loop
/// of their own.
///
/// Called from dispatcher threads only (`wait()` on a future is fine there, never on an event
/// loop or a cooperative thread). Every request has a deadline and a bound on the response body,
/// so a receiver that hangs or answers with gigabytes costs a failed round, not the process.
///
/// Why not AsyncHTTPClient (used before): it flushes a request's head and body separately and
/// runs a per-request state machine; with this client the bridge's CPU per delivered event fell
/// from 0.19 to 0.11 ms (BENCHMARKS.md), CPU otherwise taken from ingest on a small machine. An event is one small JSON document: one flush, one segment,
/// and an idle connection per receiver kept for the next one is all a sink needs. NIO's HTTP/1.1
/// codec parses, NIOSSL does TLS (system trust roots, hostname verified); no redirects are
/// followed (3xx is an answer to retry).
public final class HTTPPoster: Sendable {
    /// What a receiver answered.
    public struct Response: Sendable {
        public var status: Int
        /// The start of the body (up to ``HTTPPoster/maximumResponseBytes``).
        public var body: String

        /// What the answer means for the event(s) sent: 2xx confirms; 408, 429, 5xx, a redirect
        /// or an informational status is worth retrying; any other 4xx is a permanent refusal.
        public var verdict: Verdict {
            switch status {
            case 200..<300: .confirmed
            case 400..<500 where status != 408 && status != 429: .refused
            default: .retry
            }
        }

        public enum Verdict: Sendable {
            case confirmed, retry, refused
        }
    }

    /// Bytes of a response body read at most; the connection is dropped after a longer answer,
    /// whose status still counts.
    public static let maximumResponseBytes = 64 * 1024
    /// Idle connections older than this are not reused (receivers close theirs after a while).
    static let idleLifetime: Int64 = 30_000

    /// Milliseconds a request may take from connect to the end of the response.
    public let timeout: Int64
    /// The poster's own event loop, at delivery's priority (the shared singleton group also
    /// serves the dashboard, whose requests should not wait for deliveries).
    private let group: MultiThreadedEventLoopGroup
    private let tls: NIOSSLContext?
    /// Kept-alive connections not in use, per origin, with when each was last used.
    private let idle = Mutex<[Origin: [(channel: any Channel, since: Int64)]]>([:])

    private struct Origin: Hashable, Sendable {
        var secure: Bool
        var host: String
        var port: Int
    }

    public init(timeout: Int64 = 10_000) {
        self.timeout = timeout
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        group.next().execute { DeliveryThread.configureCurrent(name: "sink-http") }
        // nil only when the system's TLS setup is unusable; https targets then fail with the reason.
        tls = try? NIOSSLContext(configuration: .makeClientConfiguration())
    }

    /// POSTs `body`; a transport failure (refused, reset, timed out, bad TLS) throws.
    ///
    /// A request on a reused connection that the receiver had closed meanwhile is sent again on a
    /// new one (receivers de-duplicate by event id; a POST is repeated only when nothing answered).
    public func post(_ url: URL, body: [UInt8], headers: [(String, String)]) throws(DeliveryFailure) -> Response {
        try send(.POST, url, body: body, headers: headers)
    }

    /// Sends a request with any method (Alertmanager's silences take DELETE), as ``post(_:body:headers:)``.
    public func send(_ method: HTTPMethod, _ url: URL, body: [UInt8] = [], headers: [(String, String)] = []) throws(DeliveryFailure) -> Response {
        let (origin, head) = try request(method, url, bodyBytes: body.count, headers: headers)
        let deadline = NIODeadline.now() + .milliseconds(timeout)
        var reused = true
        while true {
            let channel: any Channel
            do {
                if let kept = takeIdle(origin) {
                    channel = kept
                } else {
                    reused = false
                    channel = try connect(origin, deadline: deadline)
                }
            } catch {
                throw DeliveryFailure("\(Self.redacted(url)): \(Self.describe(error))")
            }
            let promise = channel.eventLoop.makePromise(of: Response.self)
            let exchange = HTTPExchange(head: head, body: channel.allocator.buffer(bytes: body), deadline: deadline,
                                        response: promise)
            // A channel torn down meanwhile has no handler left to answer: its write fails here.
            let written = channel.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenFailure { _ in promise.fail(HTTPExchangeError.closed(answered: false)) }
            channel.writeAndFlush(exchange, promise: written)
            do {
                let response = try promise.futureResult.wait()
                putIdle(channel, origin: origin)
                return response
            } catch HTTPExchangeError.closed(answered: false) where reused {
                channel.close(promise: nil)
                continue  // a stale kept-alive connection: once more on a new one
            } catch {
                channel.close(promise: nil)
                throw DeliveryFailure("\(Self.redacted(url)): \(Self.describe(error))")
            }
        }
    }

    /// Closes the connections; the poster cannot be used afterwards.
    public func shutdown() {
        let channels = idle.withLock { idle in
            defer { idle = [:] }
            return idle.values.flatMap { $0.map(\.channel) }
        }
        for channel in channels { channel.close(promise: nil) }
        try? group.syncShutdownGracefully()
    }

    // MARK: Connections

    private func request(_ method: HTTPMethod, _ url: URL, bodyBytes: Int, headers: [(String, String)]) throws(DeliveryFailure) -> (Origin, HTTPRequestHead) {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty
        else {
            throw DeliveryFailure("bad request to \(Self.redacted(url)): only http:// and https:// URLs with a host are supported")
        }
        let secure = scheme == "https"
        let port = components.port ?? (secure ? 443 : 80)
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        let target = components.percentEncodedQuery.map { path + "?" + $0 } ?? path
        var fields = HTTPHeaders(headers)
        let bracketed = host.contains(":") ? "[\(host)]" : host
        fields.replaceOrAdd(name: "Host", value: components.port == nil ? bracketed : "\(bracketed):\(port)")
        if !fields.contains(name: "Content-Type") {
            fields.add(name: "Content-Type", value: "application/json")
        }
        fields.replaceOrAdd(name: "User-Agent", value: "telemetry-bridge")
        fields.replaceOrAdd(name: "Content-Length", value: String(bodyBytes))
        if let user = components.user, !fields.contains(name: "Authorization") {
            let credentials = user.removingPercentEncoding.map { $0 + ":" + (components.password?.removingPercentEncoding ?? "") } ?? ""
            fields.add(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString())
        }
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: target, headers: fields)
        return (Origin(secure: secure, host: host, port: port), head)
    }

    private func connect(_ origin: Origin, deadline: NIODeadline) throws -> any Channel {
        let tls = self.tls
        if origin.secure && tls == nil {
            throw DeliveryFailure("TLS is not available on this system (cannot load its trust roots)")
        }
        let remaining = deadline - .now()
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(remaining < .milliseconds(5000) ? max(remaining, .milliseconds(1)) : .milliseconds(5000))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if origin.secure, let tls {
                        let isAddress = origin.host.contains(":") || origin.host.allSatisfy { $0.isNumber || $0 == "." }
                        try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: isAddress ? nil : origin.host))
                    }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(HTTPExchangeHandler(maximumBodyBytes: Self.maximumResponseBytes))
                }
            }
        return try bootstrap.connect(host: origin.host, port: origin.port).wait()
    }

    private func takeIdle(_ origin: Origin) -> (any Channel)? {
        let now = WallClock.milliseconds()
        while let kept = idle.withLock({ $0[origin]?.popLast() }) {
            if kept.channel.isActive && now &- kept.since < Self.idleLifetime { return kept.channel }
            kept.channel.close(promise: nil)
        }
        return nil
    }

    private func putIdle(_ channel: any Channel, origin: Origin) {
        guard channel.isActive else { return }
        let now = WallClock.milliseconds()
        let surplus = idle.withLock { idle -> (any Channel)? in
            var kept = idle[origin, default: []]
            kept.append((channel, now))
            // One per sink using the origin is enough; more are closed.
            let surplus = kept.count > 8 ? kept.removeFirst().channel : nil
            idle[origin] = kept
            return surplus
        }
        surplus?.close(promise: nil)
    }

    /// The URL without credentials or query (which may hold tokens), for logs and sink names.
    public static func redacted(_ url: URL) -> String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        components?.user = nil
        components?.password = nil
        components?.query = nil
        components?.fragment = nil
        return components?.string ?? "(url)"
    }

    /// ``redacted(_:)`` of a URL's text; the text itself is never shown when it does not parse
    /// (it may be a secret typed in the wrong place), only its length.
    public static func redactedText(_ text: String) -> String {
        URL(string: text).map(redacted) ?? "(\(text.count) characters)"
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DeliveryFailure {
            return error.message
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return "timed out"
        }
        if let error = error as? IOError {
            return String(cString: strerror(error.errnoCode))
        }
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first {
                return "cannot connect (\(describe(first.error)))"
            }
            return "cannot resolve \(error.host)" + ((error.dnsAError ?? error.dnsAAAAError).map { " (\($0))" } ?? "")
        }
        return "\(error)"
    }
}
