import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Blocking HTTP POSTs for the HTTP sinks, over one AsyncHTTPClient shared by them.
///
/// Called from dispatcher threads only (`wait()` on a future is fine there, never on an event
/// loop or a cooperative thread). Every request has a deadline and a bound on the response body,
/// so a receiver that hangs or answers with gigabytes costs a failed round, not the process.
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

    /// Bytes of a response body read at most.
    public static let maximumResponseBytes = 64 * 1024

    private let client: HTTPClient
    /// Milliseconds a request may take from connect to the end of the response.
    public let timeout: Int64

    public init(timeout: Int64 = 10_000) {
        self.timeout = timeout
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .milliseconds(min(timeout, 5000)), read: .milliseconds(timeout)))
        configuration.connectionPool = .init(idleTimeout: .seconds(30))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// POSTs `body`; a transport failure (refused, reset, timed out, bad TLS) throws.
    public func post(_ url: URL, body: [UInt8], headers: [(String, String)]) throws(DeliveryFailure) -> Response {
        let request: HTTPClient.Request
        do {
            var httpHeaders = HTTPHeaders(headers)
            if !httpHeaders.contains(name: "Content-Type") {
                httpHeaders.add(name: "Content-Type", value: "application/json")
            }
            httpHeaders.replaceOrAdd(name: "User-Agent", value: "telemetry-bridge")
            request = try HTTPClient.Request(url: url, method: .POST, headers: httpHeaders, body: .bytes(body))
        } catch {
            throw DeliveryFailure("bad request to \(Self.redacted(url)): \(error)")
        }
        let accumulator = ResponseAccumulator(request: request, maxBodySize: Self.maximumResponseBytes)
        do {
            let response = try client.execute(request: request, delegate: accumulator,
                                              deadline: .now() + .milliseconds(timeout)).futureResult.wait()
            let text = response.body.map { String(buffer: $0) } ?? ""
            return Response(status: Int(response.status.code), body: text)
        } catch {
            throw DeliveryFailure("\(Self.redacted(url)): \(Self.describe(error))")
        }
    }

    /// Closes the connections; the poster cannot be used afterwards.
    public func shutdown() {
        try? client.syncShutdown()
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
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timed out"
            case .remoteConnectionClosed: return "the receiver closed the connection"
            default: return "\(error)"
            }
        }
        if let error = error as? IOError {
            return String(cString: strerror(error.errnoCode))
        }
        if let error = error as? NIOConnectionError {
            return "cannot connect (\(error.connectionErrors.first.map { "\($0.error)" } ?? "\(error)"))"
        }
        return "\(error)"
    }
}
