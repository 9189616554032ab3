import Foundation

/// A strict reader of the Prometheus text exposition format (0.0.4) for tests: every line must be
/// a comment (`# TYPE name type`, `# HELP name text`, or another `#` comment) or a sample
/// `name{label="value",...} value`; each sample must belong to a family announced by `# TYPE`.
public struct MetricsText {
    public struct ParseError: Error, CustomStringConvertible {
        public var line: Int
        public var text: String
        public var problem: String
        public var description: String { "line \(line): \(problem): \(text)" }
    }

    public struct Sample: Hashable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    public private(set) var types: [String: String] = [:]
    public private(set) var samples: [Sample] = []

    public init(_ text: String) throws {
        guard text.isEmpty || text.hasSuffix("\n") else {
            throw ParseError(line: 0, text: "", problem: "the text does not end with a line feed")
        }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let number = index + 1
            if line.hasPrefix("#") {
                try comment(line, number: number)
            } else {
                let sample = try Self.sample(line, number: number)
                guard types[Self.family(of: sample.name, types: types)] != nil else {
                    throw ParseError(line: number, text: String(line), problem: "sample without a # TYPE line before it")
                }
                samples.append(sample)
            }
        }
    }

    /// The value of the sample `name` with exactly `labels`, if present.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// Every sample named `name`.
    public func samples(named name: String) -> [Sample] {
        samples.filter { $0.name == name }
    }

    private mutating func comment(_ line: Substring, number: Int) throws {
        let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0] == "#" else {
            throw ParseError(line: number, text: String(line), problem: "a comment is '# ' and text")
        }
        guard parts[1] == "TYPE" else { return }
        guard parts.count == 4, Self.isName(parts[2]),
              ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3])
        else {
            throw ParseError(line: number, text: String(line), problem: "malformed # TYPE line")
        }
        guard types[String(parts[2])] == nil else {
            throw ParseError(line: number, text: String(line), problem: "second # TYPE line for one family")
        }
        types[String(parts[2])] = String(parts[3])
    }

    /// `x_bucket`, `x_sum` and `x_count` belong to histogram `x`.
    private static func family(of name: String, types: [String: String]) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" || types[base] == "summary" { return base }
        }
        return name
    }

    private static func isName(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII,
              first.properties.isAlphabetic || first == "_" || first == ":" else { return false }
        return text.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == ":")
        }
    }

    private static func sample(_ line: Substring, number: Int) throws -> Sample {
        func fail(_ problem: String) -> ParseError { ParseError(line: number, text: String(line), problem: problem) }
        var rest = line[...]
        let nameEnd = rest.firstIndex { $0 == "{" || $0 == " " } ?? rest.endIndex
        let name = rest[..<nameEnd]
        guard isName(name) else { throw fail("bad metric name") }
        rest = rest[nameEnd...]
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                guard let equals = rest.firstIndex(of: "=") else { throw fail("label without '='") }
                let key = rest[..<equals]
                guard isName(key), !key.contains(":") else { throw fail("bad label name") }
                rest = rest[rest.index(after: equals)...]
                guard rest.first == "\"" else { throw fail("label value not quoted") }
                rest = rest.dropFirst()
                var value = ""
                while true {
                    guard let character = rest.first else { throw fail("unterminated label value") }
                    rest = rest.dropFirst()
                    if character == "\"" { break }
                    if character == "\\" {
                        guard let escaped = rest.first else { throw fail("dangling escape") }
                        rest = rest.dropFirst()
                        switch escaped {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: throw fail("unknown escape \\\(escaped)")
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard labels.updateValue(value, forKey: String(key)) == nil else { throw fail("repeated label") }
                if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" { throw fail("expected ',' or '}'") }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw fail("expected one space before the value") }
        let fields = rest.dropFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 1 || (fields.count == 2 && Int64(fields[1]) != nil) else {
            throw fail("expected a value and an optional timestamp")
        }
        let value: Double
        switch fields[0] {
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        case "NaN": value = .nan
        default:
            guard let parsed = Double(fields[0]) else { throw fail("value is not a number") }
            value = parsed
        }
        return Sample(name: String(name), labels: labels, value: value)
    }
}
