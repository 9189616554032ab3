/// One problem found in a rule or rule-test file, located at the offending token.
///
/// `description` is the compiler-style report `rules check` prints:
/// ```
/// Rules/greenhouse.yaml:4:15: unknown function 'avgg'
///     when: avgg(temperature, 5m) > 30
///           ^~~~
/// help: did you mean 'avg'?
/// ```
public struct RuleDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column, counted in Unicode scalars like the YAML parser does.
    public var column: Int
    public var message: String
    /// The whole source line, without its line break.
    public var sourceLine: String
    /// A replacement for the offending token (`avg` for `avgg`).
    public var suggestion: String?
    /// How many scalars the caret line underlines (at least 1).
    public var length: Int

    public init(
        file: String, line: Int, column: Int, message: String, sourceLine: String,
        suggestion: String? = nil, length: Int = 1
    ) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.sourceLine = sourceLine
        self.suggestion = suggestion
        self.length = max(1, length)
    }

    public var description: String {
        var text = "\(file):\(line):\(column): \(message)\n\(sourceLine)\n\(caretLine)"
        if let suggestion { text += "\nhelp: did you mean '\(suggestion)'?" }
        return text
    }

    /// Spaces (tabs kept, so the caret lines up) then `^~~~` under the token.
    var caretLine: String {
        var prefix = ""
        for (index, scalar) in sourceLine.unicodeScalars.enumerated() where index < column - 1 {
            prefix.unicodeScalars.append(scalar == "\t" ? "\t" : " ")
        }
        let scalarsLeft = max(1, sourceLine.unicodeScalars.count - (column - 1))
        return prefix + "^" + String(repeating: "~", count: min(length, scalarsLeft) - 1)
    }
}
