/// A problem in one expression, located by scalar offset within the expression text; the rule
/// file loader turns it into a `RuleDiagnostic` pointing into the YAML file.
struct ExpressionError: Error, Hashable {
    var offset: Int
    var length: Int
    var message: String
    var suggestion: String?

    init(offset: Int, length: Int = 1, _ message: String, suggestion: String? = nil) {
        self.offset = offset
        self.length = length
        self.message = message
        self.suggestion = suggestion
    }
}
