/// The silences of an alert log, as the engine consults them when it raises an alert: built by
/// applying the log's `SilenceCreated` / `SilenceExpired` events in order (live as they are
/// committed, replayed from the log), so live and replayed runs mark the same raises.
public struct Silences: Sendable, Hashable {
    /// In creation order (log order).
    public private(set) var all: [Silence] = []

    public init(_ silences: [Silence] = []) {
        all = silences
    }

    public var isEmpty: Bool { all.isEmpty }

    /// Applies an operator event (acknowledgements change no silence).
    public mutating func apply(_ event: OperatorEvent) {
        switch event {
        case .silenceCreated(let created):
            guard !all.contains(where: { $0.id == created.silence.id }) else { return }
            all.append(created.silence)
        case .silenceExpired(let expired):
            guard let index = all.firstIndex(where: { $0.id == expired.silenceId }), all[index].expiredAt == nil else { return }
            all[index].expiredAt = expired.at
            all[index].expiredBy = expired.by
        case .acknowledged:
            break
        }
    }

    /// The first silence in force at `time` that matches: the one a raise is marked with.
    public func silence(alert: String, device: String, labels: [String: String], at time: Int64) -> Silence? {
        all.first { $0.matches(alert: alert, device: device, labels: labels, at: time) }
    }

    public func silence(id: String) -> Silence? {
        all.first { $0.id == id }
    }
}
