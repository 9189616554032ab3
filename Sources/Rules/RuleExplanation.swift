/// Why a rule is where it is for one device at one moment (`rules explain`): its state and the
/// value of every sub-expression of its conditions, as the engine sees them.
public struct RuleExplanation: Sendable, Hashable {
    public var alert: String
    public var file: String
    public var line: Int
    public var state: AlertState
    /// Pending: since when `when` holds. Firing: the raise's `pendingSince`.
    public var pendingSince: Int64?
    /// Firing: the raise.
    public var raised: AlertRaised?
    /// Firing with `clear_for` / `keep_firing_for`: the countdown running and since when.
    public var countdown: (kind: String, since: Int64)? {
        get { countdownKind.map { ($0, countdownSince) } }
        set {
            countdownKind = newValue?.kind
            countdownSince = newValue?.since ?? 0
        }
    }
    public var flapping: Bool
    public var when: ExplainedExpression
    public var clear: ExplainedExpression?
    /// The device's latest reading (the end of every window).
    public var watermark: Int64

    var countdownKind: String?
    var countdownSince: Int64 = 0
}

/// One node of a condition with its value at the explained moment.
public struct ExplainedExpression: Sendable, Hashable {
    public enum Value: Sendable, Hashable, CustomStringConvertible {
        case number(Double)
        case truth(Bool)
        case text(String)
        /// No data, a division by zero, an unknown label: the condition does not hold.
        case unknown

        public var description: String {
            switch self {
            case .number(let value): ValueFormat.message(value)
            case .truth(let value): value ? "true" : "false"
            case .text(let text): "\"\(text)\""
            case .unknown: "unknown"
            }
        }
    }

    /// A window read by the node: `(from, to]` and how many readings it holds.
    public struct Window: Sendable, Hashable {
        public var from: Int64
        public var to: Int64
        public var readings: Int
    }

    /// The node's canonical text (as `rules check` prints it).
    public var text: String
    public var value: Value
    public var window: Window?
    public var children: [ExplainedExpression]
}
