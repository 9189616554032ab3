/// The outcome of `RuleTestRunner.run`: one result per test, with a readable expected/actual
/// diff for each failure.
public struct RuleTestReport: Sendable, Hashable, CustomStringConvertible {
    public struct CaseResult: Sendable, Hashable {
        public var file: String
        public var name: String
        public var line: Int
        /// Empty when the test passed.
        public var failures: [String]
        public var passed: Bool { failures.isEmpty }
    }

    public var cases: [CaseResult] = []

    public var passed: Bool { cases.allSatisfy(\.passed) }
    public var failedCount: Int { cases.filter { !$0.passed }.count }

    public var description: String {
        var lines: [String] = []
        for result in cases {
            if result.passed {
                lines.append("PASS \(result.file):\(result.line): \(result.name)")
            } else {
                lines.append("FAIL \(result.file):\(result.line): \(result.name)")
                for failure in result.failures {
                    lines += failure.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
                }
            }
        }
        lines.append("\(cases.count - failedCount) passed, \(failedCount) failed")
        return lines.joined(separator: "\n")
    }
}
