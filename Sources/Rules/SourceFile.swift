import Telemetry
import Yams

/// One YAML file's text, able to turn a position inside a scalar's value into the line and
/// column of the file, so diagnostics point at the offending token rather than the key.
struct SourceFile {
    let name: String
    let lines: [String]

    init(name: String, contents: String) {
        self.name = name
        lines = contents.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
    }

    func line(_ number: Int) -> String {
        number >= 1 && number <= lines.count ? lines[number - 1] : ""
    }

    func diagnostic(line: Int, column: Int, length: Int = 1, _ message: String, suggestion: String? = nil) -> RuleDiagnostic {
        RuleDiagnostic(file: name, line: line, column: column, message: message, sourceLine: self.line(line),
                       suggestion: suggestion, length: length)
    }

    /// A diagnostic at a node's start (its key, a mapping, a sequence item).
    func diagnostic(at node: Node, length: Int? = nil, _ message: String, suggestion: String? = nil) -> RuleDiagnostic {
        let mark = node.position
        let tokenLength = length ?? node.scalar.map { scalar in
            scalar.style == .plain ? scalar.string.unicodeScalars.count : scalar.string.unicodeScalars.count + 2
        } ?? 1
        return diagnostic(line: mark.line, column: mark.column, length: tokenLength, message, suggestion: suggestion)
    }

    /// The entries of `mapping` by key, for the keys in `allowed`; every other key is reported
    /// (`unknown key 'x'`, ` in <context>` when given, with the nearest allowed key).
    func fields(
        of mapping: Node.Mapping, allowed: [String], context: String? = nil, diagnostics: inout [RuleDiagnostic]
    ) -> [String: (key: Node, value: Node)] {
        var fields: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            let name = key.string ?? ""
            if allowed.contains(name) {
                fields[name] = (key, value)
            } else {
                diagnostics.append(diagnostic(at: key, "unknown key '\(name)'" + (context.map { " in \($0)" } ?? ""),
                                              suggestion: Suggestion.nearest(to: name, in: allowed)))
            }
        }
        return fields
    }

    /// A diagnostic at `offset` scalars into the value of `node` (an expression or template).
    func diagnostic(in node: Node, offset: Int, length: Int, _ message: String, suggestion: String? = nil) -> RuleDiagnostic {
        let (line, column, exact) = locate(node, offset: offset)
        return diagnostic(line: line, column: column, length: exact ? length : 1, message, suggestion: suggestion)
    }

    /// Maps a value offset to a file position. Plain and quoted scalars on one line and literal
    /// block scalars are exact; anything else (folded, multi-line flow) points at the scalar.
    func locate(_ node: Node, offset: Int) -> (line: Int, column: Int, exact: Bool) {
        let mark = node.position
        guard let scalar = node.scalar else { return (mark.line, mark.column, false) }
        let value = Array(scalar.string.unicodeScalars)
        let source = Array(line(mark.line).unicodeScalars)
        let start = mark.column - 1

        switch scalar.style {
        case .literal:
            return locateInLiteral(mark: mark, value: value, offset: offset) ?? (mark.line, mark.column, false)
        case .singleQuoted, .doubleQuoted:
            var column = start + 1
            var index = 0
            while column < source.count {
                if index == offset { return (mark.line, column + 1, true) }
                let s = source[column]
                if scalar.style == .singleQuoted {
                    if s == "'" {
                        guard column + 1 < source.count, source[column + 1] == "'" else { break }
                        column += 2
                    } else {
                        column += 1
                    }
                } else {
                    if s == "\"" { break }
                    if s == "\\", column + 1 < source.count {
                        switch source[column + 1] {
                        case "x": column += 4
                        case "u": column += 6
                        case "U": column += 10
                        default: column += 2
                        }
                    } else {
                        column += 1
                    }
                }
                index += 1
            }
            if index == offset, index == value.count { return (mark.line, column + 1, true) }
            return (mark.line, mark.column, false)
        default:
            let available = source.count - start
            guard !value.contains("\n"), available >= value.count,
                  Array(source[start..<(start + value.count)]) == value else {
                return (mark.line, mark.column, false)
            }
            return (mark.line, mark.column + offset, true)
        }
    }

    private func locateInLiteral(mark: (line: Int, column: Int), value: [Unicode.Scalar], offset: Int) -> (Int, Int, Bool)? {
        var lineIndex = 0
        var lineStart = 0
        for (index, s) in value.prefix(offset).enumerated() where s == "\n" {
            lineIndex += 1
            lineStart = index + 1
        }
        var indent: Int?
        for number in (mark.line + 1)...max(mark.line + 1, lines.count) {
            let text = line(number)
            if text.trimmingSpaces.isEmpty { continue }
            indent = text.unicodeScalars.prefix { $0 == " " }.count
            break
        }
        guard let indent else { return nil }
        return (mark.line + 1 + lineIndex, indent + (offset - lineStart) + 1, true)
    }
}

extension Node {
    /// The node's 1-based line and column (1:1 when Yams gives none).
    var position: (line: Int, column: Int) {
        mark.map { ($0.line, $0.column) } ?? (1, 1)
    }
}

extension Node.Scalar {
    /// An empty value, `~` or `null` written plainly.
    var isNull: Bool {
        style == .plain && (string.isEmpty || string == "~" || string == "null" || string == "Null" || string == "NULL")
    }
}
