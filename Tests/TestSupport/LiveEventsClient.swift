import Foundation

/// A raw-socket HTTP/1.1 client for `/api/events`: sends the request, checks the head, and reads
/// the chunked body as server-sent events, with deadlines instead of sleeps.
public final class LiveEventsClient {
    public struct Message: Equatable {
        public var event: String?
        public var data: String?
        public var comment: String?
    }

    private let connection: TCPConnection
    private var raw: [UInt8] = []
    private var body: [UInt8] = []
    public private(set) var head: String = ""
    /// The last chunk (size 0) arrived: the server ended the response.
    public private(set) var ended = false

    public init(port: UInt16, path: String = "/api/events", timeout: Duration = .seconds(10)) throws {
        connection = try TCPConnection(port: port)
        try connection.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        let deadline = ContinuousClock.now + timeout
        while true {
            if let end = Self.find([13, 10, 13, 10], in: raw) {
                head = String(decoding: raw[..<end], as: UTF8.self)
                raw.removeFirst(end + 4)
                break
            }
            guard try receive(until: deadline) else { throw TestSupportError("no response head; got \(raw.count) bytes") }
        }
    }

    /// Closes the connection (a client going away).
    public func close() {
        connection.close()
    }

    /// The next server-sent message (comments included), or nil when none arrives in time or the
    /// stream ends.
    public func next(timeout: Duration = .seconds(10)) throws -> Message? {
        let deadline = ContinuousClock.now + timeout
        while true {
            decodeChunks()
            if let end = Self.find([10, 10], in: body) {
                let block = String(decoding: body[..<end], as: UTF8.self)
                body.removeFirst(end + 2)
                var message = Message()
                for line in block.split(separator: "\n") {
                    if line.hasPrefix(":") {
                        message.comment = String(line.dropFirst().drop { $0 == " " })
                    } else if line.hasPrefix("event: ") {
                        message.event = String(line.dropFirst(7))
                    } else if line.hasPrefix("data: ") {
                        message.data = String(line.dropFirst(6))
                    } else {
                        throw TestSupportError("unexpected line in an event: \(line)")
                    }
                }
                return message
            }
            guard try receive(until: deadline) else { return nil }
        }
    }

    /// The next message that is not a comment.
    public func nextEvent(timeout: Duration = .seconds(10)) throws -> Message? {
        let deadline = ContinuousClock.now + timeout
        while let message = try next(timeout: deadline - ContinuousClock.now) {
            if message.comment == nil { return message }
        }
        return nil
    }

    /// Moves complete chunks of the chunked transfer encoding from `raw` to `body`.
    private func decodeChunks() {
        while let lineEnd = Self.find([13, 10], in: raw) {
            let sizeText = String(decoding: raw[..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText, radix: 16) else { return }
            if size == 0 {
                ended = true
                raw.removeAll()
                return
            }
            guard raw.count >= lineEnd + 2 + size + 2 else { return }
            body += raw[(lineEnd + 2)..<(lineEnd + 2 + size)]
            raw.removeFirst(lineEnd + 2 + size + 2)
        }
    }

    /// Waits for bytes until `deadline`; false on timeout or end of stream.
    private func receive(until deadline: ContinuousClock.Instant) throws -> Bool {
        guard !ended else { return false }
        return connection.receive(into: &raw, until: deadline) == .data
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }
}
