import Storage

/// A destination of alert events (MQTT, Alertmanager, a webhook), fed from the alert log in log
/// order by a ``DeliveryDispatcher``, which moves the sink's durable cursor after each delivery.
///
/// Both methods run on the dispatcher's own thread and may block (network I/O, waiting for
/// acknowledgements, bounded by the sink's timeouts); they are never called concurrently for one
/// sink.
public protocol AlertSink: Sendable {
    /// The cursor's key in the store (`mqtt`, `webhook:https://…`); stable across restarts.
    var name: String { get }

    /// Delivers `events` (in log order, at least one) as far as it can and reports how far that was.
    func deliver(_ events: [LoggedAlertEvent]) -> DeliveryOutcome

    /// Called before every delivery round and on the dispatcher's idle tick (about once a second),
    /// with the sink's cursor: the place for work that is not one event, such as bringing a
    /// broker's retained state in line with the log after a reconnect, or re-sending the firing
    /// alerts to Alertmanager. Throws when the sink cannot be used now: the round waits for the backoff.
    func prepare(cursor: Int64, now: Int64) throws(DeliveryFailure)

    /// Gives the sink a way to start a round at once (after a reconnect, say) instead of on the next tick.
    func attach(wake: @escaping @Sendable () -> Void)

    /// Milliseconds the dispatcher lets new events gather after being woken from idle before it
    /// starts a round. Nonzero for a sink whose events already left by another path (MQTT's fast
    /// path), so one round confirms many commits at the cost of nothing but cursor latency.
    var linger: Int64 { get }
}

extension AlertSink {
    public var linger: Int64 { 0 }
    public func prepare(cursor: Int64, now: Int64) throws(DeliveryFailure) {}
    public func attach(wake: @escaping @Sendable () -> Void) {}
}
