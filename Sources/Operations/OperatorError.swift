/// Why an operator's action (acknowledge, silence, unsilence) was refused: a code a program can
/// test, the parameter at fault, and a message for the person who asked. Never a silent no-op.
public struct OperatorError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// A parameter is missing or malformed (`parameter` names it).
        case invalid
        /// No alert of that name was ever raised (or none for that device).
        case unknownAlert = "unknown_alert"
        /// The alert exists but is not firing now.
        case notFiring = "not_firing"
        case alreadyAcknowledged = "already_acknowledged"
        case unknownSilence = "unknown_silence"
        /// The silence is already over (expired or ended).
        case silenceOver = "silence_over"
        /// The store failed; the action may be retried.
        case unavailable
    }

    public var code: Code
    public var parameter: String?
    public var message: String

    public init(_ code: Code, parameter: String? = nil, _ message: String) {
        self.code = code
        self.parameter = parameter
        self.message = message
    }

    public var description: String {
        (parameter.map { "\($0): " } ?? "") + message
    }
}
