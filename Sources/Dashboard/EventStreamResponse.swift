import Hummingbird

/// The `/api/events` response: a `text/event-stream` of ``LiveEvents`` for one client, with a
/// `: keepalive` comment after each quiet keepalive interval.
///
/// The stream ends when the broadcaster closes, the request task is cancelled (server shutdown),
/// or the client has fallen behind for ``LiveEvents/maximumLag``;
/// a client that went away is noticed at the next write (an event or the next keepalive), and its
/// buffer removed.
enum EventStreamResponse {
    static let contentType = "text/event-stream"
    static let keepalive = ByteBuffer(string: ": keepalive\n\n")

    static func response(_ events: LiveEvents) -> Response {
        let subscriber: LiveEventSubscriber?
        switch events.subscribe() {
        case .subscribed(let new): subscriber = new
        case .closed: subscriber = nil
        case .full:
            var response = JSONResponse.error(
                "too many event streams (\(events.maximumSubscribers)); try again later", status: .serviceUnavailable)
            response.headers[.retryAfter] = "10"
            return response
        }
        return Response(
            status: .ok,
            headers: [.contentType: contentType, .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                guard let subscriber else {
                    try await writer.finish(nil)
                    return
                }
                defer { events.unsubscribe(subscriber) }
                // A first comment sends the headers now, so the client knows it is subscribed.
                try await writer.write(ByteBuffer(string: ": connected\n\n"))
                streaming: while true {
                    switch await subscriber.next(keepalive: events.keepaliveInterval) {
                    case .events(let bytes):
                        try await writer.write(ByteBuffer(bytes: bytes))
                        if subscriber.isBehind(for: events.maximumLag) { break streaming }
                    case .keepalive: try await writer.write(keepalive)
                    case .finished: break streaming
                    }
                }
                try await writer.finish(nil)
            })
    }
}
