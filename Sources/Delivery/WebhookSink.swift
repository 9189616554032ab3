import Crypto
import Foundation
import Storage

/// POSTs each alert event's JSON, exactly as stored, to a URL, one request per event in log order:
/// raises, clears and acknowledgements. Raises marked by a silence (`"silenced"`) and their clears
/// are not sent, nor are silences themselves; they count as delivered.
///
/// A 2xx answer confirms the event. 408, 429, 5xx, a redirect or a transport failure stops the
/// round (retried with backoff, the event again); any other 4xx is a permanent refusal: recorded
/// as the sink's dead letter with the response, and delivery goes on with the next event.
public final class WebhookSink: AlertSink {
    public let target: WebhookTarget
    private let poster: HTTPPoster
    private let clock: @Sendable () -> Int64

    /// The header carrying the HMAC-SHA256 signature (`sha256=<hex>`) of the body.
    public static let signatureHeader = "X-Telemetry-Bridge-Signature"
    /// The header carrying the event id, for receivers that de-duplicate before parsing.
    public static let eventIDHeader = "X-Telemetry-Bridge-Event-Id"

    public init(target: WebhookTarget, poster: HTTPPoster, clock: @escaping @Sendable () -> Int64) {
        self.target = target
        self.poster = poster
        self.clock = clock
    }

    public var name: String { target.name }

    public func deliver(_ events: [LoggedAlertEvent]) -> DeliveryOutcome {
        var outcome = DeliveryOutcome(confirmedThrough: nil)
        for event in events {
            guard Self.notifies(event.record) else {
                outcome.confirmedThrough = event.sequence
                continue
            }
            let body = Array(event.record.event.utf8)
            var headers = target.headers.map { ($0.name, $0.value) }
            headers.append((Self.eventIDHeader, event.record.id))
            if let secret = target.secret {
                headers.append((Self.signatureHeader, Self.signature(of: body, secret: secret)))
            }
            let response: HTTPPoster.Response
            do {
                response = try poster.post(target.url, body: body, headers: headers)
            } catch {
                outcome.failure = error
                return outcome
            }
            switch response.verdict {
            case .confirmed:
                outcome.confirmedThrough = event.sequence
            case .retry:
                outcome.failure = DeliveryFailure("HTTP \(response.status) from \(HTTPPoster.redacted(target.url))")
                return outcome
            case .refused:
                outcome.refusals.append(DeliveryRefusal(sequence: event.sequence, eventID: event.record.id,
                                                        reason: "HTTP \(response.status)", response: response.body, at: clock()))
                outcome.confirmedThrough = event.sequence
            }
        }
        return outcome
    }

    /// Whether a receiver is told of this event (see the type's notes).
    static func notifies(_ record: AlertRecord) -> Bool {
        switch record.type {
        case .raised, .cleared: !record.isSilenced
        case .acknowledged: true
        case .silenceCreated, .silenceExpired: false
        }
    }

    /// `sha256=` and the hex HMAC-SHA256 of `body` under `secret`.
    public static func signature(of body: [UInt8], secret: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        return "sha256=" + code.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
