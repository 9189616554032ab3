import Foundation
import Telemetry
import Yams

/// Reads `Devices/attributes.yaml`: `attributes:` mapping device ids or globs to mappings of
/// names to numbers, every problem a diagnostic with its position.
enum DeviceAttributesParser {
    static func parse(file name: String, contents: String) -> (DeviceAttributes, [RuleDiagnostic]) {
        let source = SourceFile(name: name, contents: contents)
        var diagnostics: [RuleDiagnostic] = []
        var entries: [DeviceAttributes.Entry] = []
        let root: Node?
        do {
            root = try Yams.compose(yaml: contents)
        } catch {
            return (DeviceAttributes(file: name), [RuleFileParser.yamlDiagnostic(error, source: source)])
        }
        guard let root else { return (DeviceAttributes(file: name), []) }
        guard let mapping = root.mapping else {
            return (DeviceAttributes(file: name), [source.diagnostic(at: root, length: 1, "expected a mapping with an 'attributes:' mapping")])
        }
        for (key, value) in mapping {
            guard key.string == "attributes" else {
                diagnostics.append(source.diagnostic(at: key, "unknown top-level key '\(key.string ?? "?")'",
                                                     suggestion: Suggestion.nearest(to: key.string ?? "", in: ["attributes"])))
                continue
            }
            if case .scalar(let scalar) = value, scalar.isNull { continue }
            guard let devices = value.mapping else {
                diagnostics.append(source.diagnostic(at: value, length: 1, "'attributes' maps device ids or globs to their attributes, e.g. \"gh-*\": {max_temp: 30}"))
                continue
            }
            for (deviceNode, valuesNode) in devices {
                guard let glob = deviceNode.scalar?.string, !glob.isEmpty else {
                    diagnostics.append(source.diagnostic(at: deviceNode, length: 1, "expected a device id or glob"))
                    continue
                }
                guard let values = valuesNode.mapping else {
                    diagnostics.append(source.diagnostic(at: valuesNode, length: 1, "the attributes of '\(glob)' must be a mapping of names to numbers"))
                    continue
                }
                var parsed: [String: Double] = [:]
                for (nameNode, numberNode) in values {
                    let attribute = nameNode.scalar?.string ?? ""
                    guard Lexer.isIdentifier(attribute) else {
                        diagnostics.append(source.diagnostic(at: nameNode, "attribute names are letters, digits and '_', starting with a letter or '_'"))
                        continue
                    }
                    guard let scalar = numberNode.scalar, scalar.style == .plain, let number = Double(scalar.string), number.isFinite else {
                        diagnostics.append(source.diagnostic(at: numberNode, "attribute '\(attribute)' must be a number"))
                        continue
                    }
                    parsed[attribute] = number
                }
                entries.append(DeviceAttributes.Entry(devices: glob, values: parsed, line: deviceNode.mark?.line ?? 1))
            }
        }
        return (DeviceAttributes(entries: entries, file: name), diagnostics)
    }
}
