import Storage

/// What one ``AlertSink/deliver(_:)`` call achieved: the events up to ``confirmedThrough`` are
/// done (delivered, or refused for good), and if it stopped early, why.
public struct DeliveryOutcome: Sendable {
    /// Sequence of the last event the sink confirmed or refused for good; nil when none.
    public var confirmedThrough: Int64?
    /// Events the sink refused permanently (recorded as the sink's dead letters; delivery goes on).
    public var refusals: [DeliveryRefusal]
    /// Why delivery stopped before the last event; retried after the backoff.
    public var failure: DeliveryFailure?

    public init(confirmedThrough: Int64?, refusals: [DeliveryRefusal] = [], failure: DeliveryFailure? = nil) {
        self.confirmedThrough = confirmedThrough
        self.refusals = refusals
        self.failure = failure
    }

    /// Every event delivered.
    public static func delivered(_ events: [LoggedAlertEvent]) -> DeliveryOutcome {
        DeliveryOutcome(confirmedThrough: events.last?.sequence)
    }

    /// Nothing delivered.
    public static func failed(_ failure: DeliveryFailure) -> DeliveryOutcome {
        DeliveryOutcome(confirmedThrough: nil, failure: failure)
    }
}

/// Why a sink could not deliver now (retried): "connection refused", "HTTP 503", "timed out".
public struct DeliveryFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
