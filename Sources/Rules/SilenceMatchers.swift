import Telemetry

/// Which alerts a silence (or maintenance window) mutes: an alert name, a device glob and a label
/// condition, each optional, all of which must hold. At least one is required, so muting
/// everything is never an accident (`alert: "*"` says it on purpose).
///
/// `alert` and `device` are globs (see `GlobPattern`: `*`, `?`); `where` is a label condition in
/// the rules' notation (`site == "berlin" and not (role == "spare")`), evaluated on the raise's
/// labels (the device's labels overlaid with the rule's): a label the alert lacks makes it not
/// match.
public struct SilenceMatchers: Sendable, Hashable {
    public let alert: String?
    public let device: String?
    /// The label condition as written.
    public let whereText: String?
    private let alertPattern: GlobPattern?
    private let devicePattern: GlobPattern?
    private let filter: Expression?

    /// Throws with the matcher at fault (`alert`, `device`, `where`) and, for `where`, the column.
    public init(alert: String?, device: String?, where whereText: String?) throws(SilenceMatcherError) {
        func nonEmpty(_ text: String?) -> String? {
            text.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        }
        self.alert = nonEmpty(alert)
        self.device = nonEmpty(device)
        self.whereText = nonEmpty(whereText)
        guard self.alert != nil || self.device != nil || self.whereText != nil else {
            throw SilenceMatcherError(matcher: "alert", column: nil,
                                      message: "a silence needs at least one matcher (alert, device or where); use alert: \"*\" to mute every alert")
        }
        for (name, value) in [("alert", self.alert), ("device", self.device)] {
            if let value, value.unicodeScalars.count > Self.maximumLength {
                throw SilenceMatcherError(matcher: name, column: nil, message: "longer than \(Self.maximumLength) characters")
            }
        }
        alertPattern = self.alert.map(GlobPattern.init)
        devicePattern = self.device.map(GlobPattern.init)
        if let text = self.whereText {
            let expression: Expression
            do {
                expression = try Parser.parse(text)
            } catch {
                throw SilenceMatcherError(matcher: "where", column: error.offset + 1, message: error.message)
            }
            if let problem = Self.labelOnlyProblem(expression) {
                throw SilenceMatcherError(matcher: "where", column: problem.start + 1, message: problem.message)
            }
            filter = expression
        } else {
            filter = nil
        }
    }

    static let maximumLength = 512

    public func matches(alert: String, device: String, labels: [String: String]) -> Bool {
        if let alertPattern, !alertPattern.matches(alert) { return false }
        if let devicePattern, !devicePattern.matches(device) { return false }
        if let filter, LabelEvaluator.evaluate(filter, labels: labels) != true { return false }
        return true
    }

    /// The first node a label condition may not contain: only `==` / `!=` between a label name
    /// and a string, `and`, `or`, `not`, `true` / `false` and parentheses.
    private static func labelOnlyProblem(_ node: Expression) -> (start: Int, message: String)? {
        switch node.kind {
        case .bool:
            return nil
        case .unary(.not, let operand):
            return labelOnlyProblem(operand)
        case .binary(let op, let lhs, let rhs) where op == .and || op == .or:
            return labelOnlyProblem(lhs) ?? labelOnlyProblem(rhs)
        case .binary(let op, let lhs, let rhs) where op == .equal || op == .notEqual:
            for side in [lhs, rhs] {
                switch side.kind {
                case .identifier, .string: continue
                default: return (side.start, "a label condition compares a label name with a string, e.g. site == \"berlin\"")
                }
            }
            return nil
        default:
            return (node.start, "only label conditions are allowed here (==, !=, and, or, not on label names and strings)")
        }
    }
}

/// A matcher of a silence that cannot be used, named as in the command or file.
public struct SilenceMatcherError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `alert`, `device` or `where`.
    public var matcher: String
    /// 1-based column within the matcher's text, when the problem has a place.
    public var column: Int?
    public var message: String

    public var description: String {
        "\(matcher)" + (column.map { " (column \($0))" } ?? "") + ": \(message)"
    }
}
