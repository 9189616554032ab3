import Rules
import Storage
import Synchronization
import Telemetry

/// Operators' actions on the alert log, the one implementation behind the CLI (`alerts ack`,
/// `alerts silence`, ...), the MQTT command topics and the dashboard.
///
/// Each action checks the log and appends its event in one write transaction (see
/// ``TelemetryStore/appendOperatorEvent(loggedAt:_:)``): acknowledging an alert that is not firing,
/// an unknown alert, a silence ending before it starts, an unknown silence are refused with an
/// ``OperatorError`` and the log is unchanged. Thread-safe; blocks on SQLite, so callers keep it
/// off Swift concurrency's cooperative threads.
public final class AlertOperator: Sendable {
    public let store: TelemetryStore
    private let ids: Mutex<UUIDv7Generator>

    /// Longest `by` (a name) and `comment` accepted.
    public static let maximumNameLength = 128
    public static let maximumCommentLength = 2048

    public init(store: TelemetryStore, ids: UUIDv7Generator = UUIDv7Generator()) {
        self.store = store
        self.ids = Mutex(ids)
    }

    private func nextID(at time: Int64) -> String {
        ids.withLock { $0.next(at: time) }
    }

    // MARK: Acknowledge

    public func acknowledge(_ request: AcknowledgeRequest, now: Int64) throws(OperatorError) -> LoggedAlertEvent {
        try Self.check(name: request.by, parameter: "by")
        try Self.check(comment: request.comment)
        try Self.check(identifier: request.alert, parameter: "alert")
        try Self.check(identifier: request.device, parameter: "device")
        let id = nextID(at: now)
        return try append(now: now) { (log: AlertLogView) throws(OperatorError) -> AlertRecord in
            let latest: AlertRecord?
            do {
                latest = try log.latest(alert: request.alert, device: request.device)
            } catch {
                throw Self.unavailable(error)
            }
            guard let latest else { throw try Self.unknown(alert: request.alert, device: request.device, in: log) }
            guard latest.type == .raised else {
                throw OperatorError(.notFiring, parameter: "alert",
                                    "alert '\(request.alert)' of device '\(request.device)' is not firing: it cleared at \(Self.time(latest.at))")
            }
            let previous: AlertRecord?
            do {
                previous = try log.acknowledgement(ofRaise: latest.id)
            } catch {
                throw Self.unavailable(error)
            }
            if let previous, case .acknowledged(let ack)? = try? OperatorEvent(json: previous.event) {
                throw OperatorError(.alreadyAcknowledged, parameter: "alert",
                                    "alert '\(request.alert)' of device '\(request.device)' was already acknowledged by \(ack.by) at \(Self.time(ack.at))")
            }
            let event = OperatorEvent.acknowledged(AlertAcknowledged(
                id: id, raisedId: latest.id, alert: request.alert, device: request.device, by: request.by,
                comment: request.comment, at: now))
            return AlertRecord(event, severity: latest.severity)
        }
    }

    private static func unknown(alert: String, device: String, in log: AlertLogView) throws(OperatorError) -> OperatorError {
        do {
            let names = try log.alertNames()
            guard names.contains(alert) else {
                let hint = Suggestion.nearest(to: alert, in: names).map { " (did you mean '\($0)'?)" } ?? ""
                return OperatorError(.unknownAlert, parameter: "alert", "no alert '\(alert)' was ever raised\(hint)")
            }
            let devices = try log.devices(ofAlert: alert)
            let hint = Suggestion.nearest(to: device, in: devices).map { " (did you mean '\($0)'?)" } ?? ""
            return OperatorError(.unknownAlert, parameter: "device", "alert '\(alert)' was never raised for device '\(device)'\(hint)")
        } catch {
            return unavailable(error)
        }
    }

    // MARK: Silences

    public func silence(_ request: SilenceRequest, now: Int64) throws(OperatorError) -> LoggedAlertEvent {
        try Self.check(name: request.by, parameter: "by")
        try Self.check(comment: request.comment)
        let startsAt = request.startsAt ?? now
        guard request.endsAt > startsAt else {
            throw OperatorError(.invalid, parameter: "endsAt",
                                "ends at \(Self.time(request.endsAt)), not after it starts at \(Self.time(startsAt))")
        }
        guard request.endsAt > now else {
            throw OperatorError(.invalid, parameter: "endsAt", "ends at \(Self.time(request.endsAt)), which is in the past")
        }
        let silence = Silence(id: nextID(at: now), matchers: request.matchers, startsAt: startsAt, endsAt: request.endsAt,
                              createdBy: request.by, comment: request.comment, createdAt: now)
        return try append(now: now) { (_: AlertLogView) throws(OperatorError) -> AlertRecord in
            AlertRecord(.silenceCreated(SilenceCreated(silence: silence)))
        }
    }

    public func unsilence(_ request: UnsilenceRequest, now: Int64) throws(OperatorError) -> LoggedAlertEvent {
        try Self.check(name: request.by, parameter: "by")
        let prefix = request.id.trimmingCharacters(in: .whitespaces)
        guard prefix.count >= 8 else {
            throw OperatorError(.invalid, parameter: "id", "give the silence's id (at least its first 8 characters)")
        }
        try Self.check(identifier: prefix, parameter: "id")
        let id = nextID(at: now)
        return try append(now: now) { (log: AlertLogView) throws(OperatorError) -> AlertRecord in
            let candidates: [AlertRecord]
            let expiry: AlertRecord?
            do {
                candidates = try log.silences(idPrefix: prefix)
                expiry = try candidates.count == 1 ? log.expiry(ofSilence: candidates[0].id) : nil
            } catch {
                throw Self.unavailable(error)
            }
            guard let record = candidates.first else {
                throw OperatorError(.unknownSilence, parameter: "id", "no silence has the id '\(prefix)'")
            }
            guard candidates.count == 1 else {
                throw OperatorError(.invalid, parameter: "id", "'\(prefix)' starts the ids of \(candidates.count) silences; give more of it")
            }
            guard case .silenceCreated(let created)? = try? OperatorEvent(json: record.event) else {
                throw OperatorError(.unavailable, parameter: "id", "the silence '\(record.id)' cannot be read from the log")
            }
            if let expiry, case .silenceExpired(let expired)? = try? OperatorEvent(json: expiry.event) {
                throw OperatorError(.silenceOver, parameter: "id",
                                    "silence \(record.id) was already ended by \(expired.by) at \(Self.time(expired.at))")
            }
            guard created.silence.endsAt > now else {
                throw OperatorError(.silenceOver, parameter: "id", "silence \(record.id) ended at \(Self.time(created.silence.endsAt))")
            }
            return AlertRecord(.silenceExpired(SilenceExpired(id: id, silenceId: record.id, by: request.by, at: now)))
        }
    }

    // MARK: Reading

    /// Every silence of the log (ended ones too), in creation order.
    public func silences() throws(OperatorError) -> Silences {
        do {
            return try OperatorLog.silences(in: store)
        } catch {
            throw Self.unavailable(error)
        }
    }

    /// The raises in `[from, to)` a silence with these matchers would have matched (newest
    /// first, at most `limit`), and how many there were: a silence's preview before it is made.
    /// The log is read `pageSize` raises at a time, so memory stays bounded over any range.
    public func preview(_ matchers: SilenceMatchers, from: Int64, to: Int64, limit: Int = 1000,
                        pageSize: Int = 2000) throws(OperatorError) -> (matches: [AlertRaised], total: Int) {
        var filter = AlertFilter(from: from, to: to, type: .raised, newestFirst: true)
        if let alert = matchers.alert, GlobPattern(alert).isLiteral { filter.alert = alert }
        if let device = matchers.device { filter.devices = [device] }
        // Read in pages: a long range of a busy fleet holds many raises, the answer only `limit`.
        filter.limit = max(1, pageSize)
        var matches: [AlertRaised] = []
        var total = 0
        while true {
            let records: [AlertRecord]
            do {
                records = try store.alerts(filter: filter)
            } catch {
                throw Self.unavailable(error)
            }
            for record in records {
                guard case .raised(let raised)? = try? AlertEvent(json: record.event),
                      matchers.matches(alert: raised.alert, device: raised.device, labels: raised.labels) else { continue }
                total += 1
                if matches.count < limit { matches.append(raised) }
            }
            guard records.count == filter.limit else { break }
            filter.offset += records.count
        }
        return (matches, total)
    }

    // MARK: Helpers

    private func append(now: Int64, _ build: (AlertLogView) throws(OperatorError) -> AlertRecord) throws(OperatorError) -> LoggedAlertEvent {
        let result: Result<LoggedAlertEvent, OperatorError>
        do {
            result = try store.appendOperatorEvent(loggedAt: now, build)
        } catch {
            throw Self.unavailable(error)
        }
        return try result.get()
    }

    static func unavailable(_ error: any Error) -> OperatorError {
        OperatorError(.unavailable, "the alert log cannot be used now: \(error)")
    }

    static func time(_ milliseconds: Int64) -> String {
        ISO8601Timestamp.string(milliseconds, fraction: .whenNonZero)
    }

    static func check(name: String, parameter: String) throws(OperatorError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw OperatorError(.invalid, parameter: parameter, "say who you are (a name or handle)")
        }
        guard name.count <= maximumNameLength else {
            throw OperatorError(.invalid, parameter: parameter, "longer than \(maximumNameLength) characters")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw OperatorError(.invalid, parameter: parameter, "contains a control character")
        }
    }

    static func check(comment: String) throws(OperatorError) {
        guard comment.count <= maximumCommentLength else {
            throw OperatorError(.invalid, parameter: "comment", "longer than \(maximumCommentLength) characters")
        }
    }

    static func check(identifier: String, parameter: String) throws(OperatorError) {
        guard !identifier.isEmpty else { throw OperatorError(.invalid, parameter: parameter, "missing") }
        guard identifier.utf8.count <= 1024 else {
            throw OperatorError(.invalid, parameter: parameter, "longer than 1024 bytes")
        }
    }
}
