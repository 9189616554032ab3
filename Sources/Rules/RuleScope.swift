/// What names an expression may use, derived from the rule's device selector and the schema.
struct RuleScope {
    /// Metrics of the selected type, or of any type for a glob selector.
    var metrics: Set<String>
    var labels: Set<String>
    /// "device type 'climate-sensor'" or "any device type", for messages.
    var selection: String
    /// Why `silent()` without a window is not allowed, or nil when it is.
    var silentDefaultProblem: String?
    /// Device attributes some entry sets, and those set for every device the rule selects.
    var attributes: Set<String> = []
    var coveredAttributes: Set<String> = []
    /// For messages: where attributes come from.
    var attributesFile = ""
    /// The rule's `params:` (after any override): `$name` reads them as constants.
    var parameters: [String: Double] = [:]
}
