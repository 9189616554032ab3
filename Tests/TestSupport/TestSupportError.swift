/// Failures of the test helpers, with enough context (logs, output) to debug a red test.
public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
