import Foundation
import Rules
import Storage
import Synchronization
import Telemetry

/// Sends alert events to Alertmanager's `POST /api/v2/alerts`, as Prometheus does: a raise is an
/// alert with `startsAt` and an `endsAt` a few resend intervals ahead, a clear the same labels with
/// `endsAt` at the clear, and the alerts firing at the cursor are re-sent every
/// ``resendInterval`` so Alertmanager does not resolve them on its own. Alertmanager then gives
/// routing, grouping, inhibition, silences and its notifiers.
///
/// An acknowledgement becomes an Alertmanager silence of exactly that alert (alertname and
/// device), so Alertmanager stops repeating its notifications; it is expired before the alert's
/// clear is sent, so the resolve is notified.
///
/// Labels: the raise's `labels` (device labels overlaid with the rule's), then `alertname`,
/// `device`, `device_type` and `severity`; names Alertmanager would refuse are rewritten to
/// `[a-zA-Z_][a-zA-Z0-9_]*`. Annotations: `message`, `value` when known, the rule's annotations.
public final class AlertmanagerSink: AlertSink {
    public let target: AlertmanagerTarget
    private let poster: HTTPPoster
    private let store: TelemetryStore
    /// The dashboard's URL, for `generatorURL` (`<externalURL>/devices/<device>`).
    private let externalURL: String?
    /// Milliseconds between re-sends of the firing alerts.
    public let resendInterval: Int64
    private let lastResend = Mutex<Int64?>(nil)
    /// Wall-clock milliseconds (`endsAt` of firing alerts, refusal times); injected for tests.
    private let clock: @Sendable () -> Int64

    public init(target: AlertmanagerTarget, poster: HTTPPoster, store: TelemetryStore, externalURL: String?,
                resendInterval: Int64 = 60_000, clock: @escaping @Sendable () -> Int64 = WallClock.milliseconds) {
        self.clock = clock
        self.target = target
        self.poster = poster
        self.store = store
        self.externalURL = externalURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.resendInterval = max(1000, resendInterval)
    }

    public var name: String { target.name }

    /// How long a sent firing alert stays firing in Alertmanager without a re-send.
    var validity: Int64 { resendInterval &* 4 }

    public func prepare(cursor: Int64, now: Int64) throws(DeliveryFailure) {
        let due = lastResend.withLock { last in last.map { now &- $0 >= resendInterval } ?? true }
        guard due else { return }
        let firing: [LoggedAlertEvent]
        do {
            firing = try store.latestAlertEvents(through: cursor).filter { $0.record.type == .raised }
        } catch {
            throw DeliveryFailure("cannot read the firing alerts: \(error)")
        }
        for chunk in stride(from: 0, to: firing.count, by: 500) {
            let alerts = firing[chunk..<min(chunk + 500, firing.count)].compactMap { try? alert(for: $0.record, now: now) }
            guard !alerts.isEmpty else { continue }
            let response = try poster.post(target.alertsEndpoint, body: Self.array(alerts), headers: [])
            guard response.verdict == .confirmed else {
                throw DeliveryFailure("HTTP \(response.status) re-sending the firing alerts: \(response.body.prefix(200))")
            }
        }
        lastResend.withLock { $0 = now }
    }

    public func deliver(_ events: [LoggedAlertEvent]) -> DeliveryOutcome {
        let now = clock()
        var bodies: [(event: LoggedAlertEvent, alert: String)] = []
        var outcome = DeliveryOutcome(confirmedThrough: nil)
        // Acknowledgements first (a silence each), then the silences of acknowledged alerts that
        // clear are expired, and only then the alerts are posted: the resolve must not be muted.
        for event in events where event.record.type == .acknowledged || (event.record.type == .cleared && !event.record.isSilenced) {
            do throws(DeliveryFailure) {
                if event.record.type == .cleared {
                    try unsilence(clear: event.record)
                } else if let refusal = try silence(acknowledgement: event, now: now) {
                    outcome.refusals.append(refusal)
                }
            } catch {
                return .failed(error)
            }
        }
        for event in events {
            do {
                guard let body = try alert(for: event.record, now: now) else { continue }
                bodies.append((event, body))
            } catch where error.isTransient {
                // The store failed us, not the event: the round is retried (nothing of it was sent).
                return .failed(error.failure)
            } catch {
                outcome.refusals.append(DeliveryRefusal(sequence: event.sequence, eventID: event.record.id,
                                                        reason: "not sendable", response: error.failure.message, at: now))
            }
        }
        // One request for the round; if Alertmanager refuses it, one per event to find the culprit.
        let all = Self.array(bodies.map(\.alert))
        let response: HTTPPoster.Response
        do {
            response = bodies.isEmpty ? HTTPPoster.Response(status: 200, body: "") :
                try poster.post(target.alertsEndpoint, body: all, headers: [])
        } catch {
            return .failed(error)
        }
        switch response.verdict {
        case .confirmed:
            outcome.confirmedThrough = events.last?.sequence
            return outcome
        case .refused:
            return deliverOneByOne(bodies, refused: outcome.refusals, lastSequence: events.last?.sequence)
        case .retry:
            return .failed(DeliveryFailure("HTTP \(response.status) from \(HTTPPoster.redacted(target.url)): \(response.body.prefix(200))"))
        }
    }

    private func deliverOneByOne(_ bodies: [(event: LoggedAlertEvent, alert: String)], refused: [DeliveryRefusal],
                                 lastSequence: Int64?) -> DeliveryOutcome {
        var outcome = DeliveryOutcome(confirmedThrough: nil, refusals: refused)
        for (event, alert) in bodies {
            let response: HTTPPoster.Response
            do {
                response = try poster.post(target.alertsEndpoint, body: Self.array([alert]), headers: [])
            } catch {
                outcome.failure = error
                return outcome
            }
            switch response.verdict {
            case .confirmed:
                break
            case .refused:
                outcome.refusals.append(DeliveryRefusal(sequence: event.sequence, eventID: event.record.id,
                                                        reason: "HTTP \(response.status)", response: response.body,
                                                        at: clock()))
            case .retry:
                outcome.failure = DeliveryFailure("HTTP \(response.status) from \(HTTPPoster.redacted(target.url))")
                return outcome
            }
            outcome.confirmedThrough = event.sequence
        }
        outcome.confirmedThrough = lastSequence
        return outcome
    }

    // MARK: Acknowledgements

    /// How long the silence of an acknowledgement lasts at most (it is expired when the alert
    /// clears): Alertmanager needs an end.
    static let acknowledgementSilenceDuration: Int64 = 365 * 86_400_000

    /// Creates the Alertmanager silence of an acknowledgement (alertname and device, exactly),
    /// unless one is recorded for its raise already (a round repeated after a failure). Returns a
    /// refusal for an acknowledgement Alertmanager refuses for good; throws to retry the round.
    func silence(acknowledgement event: LoggedAlertEvent, now: Int64) throws(DeliveryFailure) -> DeliveryRefusal? {
        guard case .acknowledged(let ack)? = try? OperatorEvent(json: event.record.event) else {
            return DeliveryRefusal(sequence: event.sequence, eventID: event.record.id, reason: "not sendable",
                                   response: "the acknowledgement cannot be read", at: now)
        }
        do {
            guard try store.sinkSilence(sink: name, raisedID: ack.raisedId) == nil else { return nil }
            if try store.alertEvent(id: ack.raisedId)?.isSilenced == true { return nil }
        } catch {
            throw DeliveryFailure("cannot read the alert log: \(error)")
        }
        let matchers = [("alertname", ack.alert), ("device", ack.device)].map { label, value in
            "{\"name\":" + JSONWriter.string(label) + ",\"value\":" + JSONWriter.string(value) + ",\"isRegex\":false,\"isEqual\":true}"
        }
        let comment = "Acknowledged in telemetry-bridge" + (ack.comment.isEmpty ? "" : ": \(ack.comment)") + " (raise \(ack.raisedId), until it clears)"
        let body = "{\"matchers\":[" + matchers.joined(separator: ",") + "]"
            + ",\"startsAt\":" + JSONWriter.string(ISO8601Timestamp.string(ack.at, fraction: .whenNonZero))
            + ",\"endsAt\":" + JSONWriter.string(ISO8601Timestamp.string(max(ack.at, now) &+ Self.acknowledgementSilenceDuration, fraction: .whenNonZero))
            + ",\"createdBy\":" + JSONWriter.string(ack.by) + ",\"comment\":" + JSONWriter.string(comment) + "}"
        let response = try poster.post(target.silencesEndpoint, body: Array(body.utf8), headers: [])
        switch response.verdict {
        case .confirmed:
            guard let data = response.body.data(using: .utf8),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let silenceID = object["silenceID"] as? String
            else {
                throw DeliveryFailure("Alertmanager created a silence without saying its id: \(response.body.prefix(200))")
            }
            do {
                try store.setSinkSilence(sink: name, raisedID: ack.raisedId, silenceID: silenceID)
            } catch {
                throw DeliveryFailure("cannot record the acknowledgement's silence \(silenceID): \(error)")
            }
            return nil
        case .refused:
            return DeliveryRefusal(sequence: event.sequence, eventID: event.record.id, reason: "HTTP \(response.status)",
                                   response: response.body, at: now)
        case .retry:
            throw DeliveryFailure("HTTP \(response.status) creating an acknowledgement's silence: \(response.body.prefix(200))")
        }
    }

    /// Expires the silence an acknowledgement created, if any, before the clear is posted.
    func unsilence(clear record: AlertRecord) throws(DeliveryFailure) {
        guard let raisedID = record.raisedID else { return }
        let silenceID: String?
        do {
            silenceID = try store.sinkSilence(sink: name, raisedID: raisedID)
        } catch {
            throw DeliveryFailure("cannot read the alert log: \(error)")
        }
        guard let silenceID else { return }
        let response = try poster.send(.DELETE, target.silenceEndpoint(id: silenceID))
        // A silence already gone (expired by hand, Alertmanager's data lost) is as good as expired.
        guard response.verdict != .retry else {
            throw DeliveryFailure("HTTP \(response.status) expiring the acknowledgement's silence \(silenceID): \(response.body.prefix(200))")
        }
        do {
            try store.setSinkSilence(sink: name, raisedID: raisedID, silenceID: nil)
        } catch {
            throw DeliveryFailure("cannot forget the acknowledgement's silence \(silenceID): \(error)")
        }
    }

    /// Why an event cannot become an alert: for good (it is malformed, its raise is gone), or
    /// for now (the alert log could not be read).
    struct BuildFailure: Error {
        var failure: DeliveryFailure
        var isTransient = false
    }

    /// One alert of the API's `postableAlerts`, as JSON; nil for what Alertmanager is not told:
    /// operators' events, and raises (with their clears) marked by a silence.
    func alert(for record: AlertRecord, now: Int64) throws(BuildFailure) -> String? {
        guard !record.isSilenced else { return nil }
        let raise: AlertRaised
        let endsAt: Int64
        switch record.type {
        case .acknowledged, .silenceCreated, .silenceExpired:
            return nil
        case .raised:
            raise = try Self.raised(record.event, id: record.id)
            endsAt = max(now, record.at) &+ validity
        case .cleared:
            guard let raisedID = record.raisedID else { throw BuildFailure(failure: DeliveryFailure("a clear without the id of its raise")) }
            let stored: AlertRecord?
            do {
                stored = try store.alertEvent(id: raisedID)
            } catch {
                throw BuildFailure(failure: DeliveryFailure("cannot read the raise \(raisedID): \(error)"), isTransient: true)
            }
            guard let stored else {
                throw BuildFailure(failure: DeliveryFailure("its raise \(raisedID) is no longer in the alert log"))
            }
            raise = try Self.raised(stored.event, id: raisedID)
            // Not in the future: Alertmanager keeps an alert whose endsAt is ahead firing until
            // then (a device clock running ahead would delay the resolve).
            endsAt = max(min(record.at, now), raise.at)
        }
        var labels: [String: String] = [:]
        for (name, value) in raise.labels { labels[Self.labelName(name)] = value }
        labels["alertname"] = raise.alert
        labels["device"] = raise.device
        labels["device_type"] = raise.deviceType
        labels["severity"] = raise.severity.rawValue
        var annotations: [String: String] = [:]
        for (name, value) in raise.annotations { annotations[Self.labelName(name)] = value }
        annotations["message"] = raise.message
        if let value = raise.value, value.isFinite { annotations["value"] = "\(value)" }
        var text = "{\"labels\":" + Self.object(labels) + ",\"annotations\":" + Self.object(annotations)
        text += ",\"startsAt\":" + JSONWriter.string(ISO8601Timestamp.string(raise.at, fraction: .whenNonZero))
        text += ",\"endsAt\":" + JSONWriter.string(ISO8601Timestamp.string(endsAt, fraction: .whenNonZero))
        if let externalURL {
            let device = raise.device.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? raise.device
            text += ",\"generatorURL\":" + JSONWriter.string(externalURL + "/devices/" + device)
        }
        return text + "}"
    }

    private static func raised(_ json: String, id: String) throws(BuildFailure) -> AlertRaised {
        let event: AlertEvent
        do {
            event = try AlertEvent(json: json)
        } catch {
            throw BuildFailure(failure: DeliveryFailure("event \(id) cannot be read: \(error)"))
        }
        guard case .raised(let raised) = event else {
            throw BuildFailure(failure: DeliveryFailure("event \(id) is not an AlertRaised"))
        }
        return raised
    }

    /// A Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`, other characters as `_`.
    static func labelName(_ name: String) -> String {
        var result = ""
        for (index, scalar) in name.unicodeScalars.enumerated() {
            let letter = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
            let digit = ("0"..."9").contains(scalar)
            if index == 0 && digit { result += "_" }
            result.unicodeScalars.append(letter || digit ? scalar : "_")
        }
        return result.isEmpty ? "_" : result
    }

    private static func object(_ fields: [String: String]) -> String {
        var bytes: [UInt8] = []
        JSONWriter.appendObject(fields, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func array(_ alerts: [String]) -> [UInt8] {
        Array(("[" + alerts.joined(separator: ",") + "]").utf8)
    }
}
