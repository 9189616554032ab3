/// Why a topic template was rejected: every problem found in it, each a human sentence.
public struct TopicTemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    public var template: String
    public var problems: [String]

    public init(template: String, problems: [String]) {
        self.template = template
        self.problems = problems
    }

    public var description: String {
        "invalid topic template '\(template)': " + problems.joined(separator: "; ")
    }
}
