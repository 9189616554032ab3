import Foundation
import XCTest

/// The module graph Package.swift declares: the dashboard serves the event log and knows nothing
/// of the broker (`serve`, the dashboard benchmark and these tests need no libmosquitto).
final class DashboardDependencyTests: XCTestCase {
    /// Local target name -> the local targets it names as dependencies.
    private func targetGraph() throws -> [String: Set<String>] {
        let manifest = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Package.swift")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        let declaration = try NSRegularExpression(pattern: #"\.(?:target|executableTarget|testTarget|systemLibrary)\(\s*name:\s*"([^"]+)""#)
        let matches = declaration.matches(in: text, range: NSRange(text.startIndex..., in: text))
        let names = matches.compactMap { Range($0.range(at: 1), in: text).map { String(text[$0]) } }
        var graph: [String: Set<String>] = [:]
        for (index, match) in matches.enumerated() {
            guard let start = Range(match.range, in: text)?.upperBound else { continue }
            let end = index + 1 < matches.count ? (Range(matches[index + 1].range, in: text)?.lowerBound ?? text.endIndex) : text.endIndex
            let body = String(text[start..<end])
            guard let dependencies = body.range(of: "dependencies:") else {
                graph[names[index]] = []
                continue
            }
            // Up to the bracket closing the dependency list.
            var depth = 0
            var list = ""
            for character in body[dependencies.upperBound...] {
                if character == "[" { depth += 1 }
                if character == "]" { depth -= 1; if depth == 0 { break } }
                list.append(character)
            }
            let quoted = try NSRegularExpression(pattern: #""([^"]+)""#)
            let named = quoted.matches(in: list, range: NSRange(list.startIndex..., in: list))
                .compactMap { Range($0.range(at: 1), in: list).map { String(list[$0]) } }
            graph[names[index]] = Set(named.filter(names.contains))
        }
        return graph
    }

    private func closure(of target: String, in graph: [String: Set<String>]) -> Set<String> {
        var seen: Set<String> = []
        var stack = [target]
        while let next = stack.popLast() {
            for dependency in graph[next] ?? [] where seen.insert(dependency).inserted {
                stack.append(dependency)
            }
        }
        return seen
    }

    func testTheDashboardDependsOnNeitherTheBrokerNorTheDaemon() throws {
        let graph = try targetGraph()
        XCTAssertEqual(graph["Dashboard"].map { !$0.isEmpty }, true, "the parser found the Dashboard target: \(graph)")
        let dashboard = closure(of: "Dashboard", in: graph)
        XCTAssertTrue(dashboard.isDisjoint(with: ["MQTT", "CMosquitto", "Bridge", "Delivery"]), "\(dashboard.sorted())")
        XCTAssertTrue(dashboard.isSuperset(of: ["Replay", "Storage", "Rules", "Telemetry"]), "\(dashboard.sorted())")
        XCTAssertTrue(closure(of: "DashboardTests", in: graph).isDisjoint(with: ["MQTT", "CMosquitto"]))
        XCTAssertTrue(closure(of: "dashboard-benchmark", in: graph).isDisjoint(with: ["MQTT", "CMosquitto"]))
    }

    func testModulesPointOneWayTowardTelemetry() throws {
        let graph = try targetGraph()
        XCTAssertEqual(closure(of: "Telemetry", in: graph), [])
        XCTAssertEqual(closure(of: "Replay", in: graph), ["Telemetry", "Rules", "Storage", "Operations"])
        XCTAssertEqual(closure(of: "Operations", in: graph), ["Telemetry", "Rules", "Storage"])
        XCTAssertFalse(closure(of: "Storage", in: graph).contains("Rules"))
        XCTAssertTrue(closure(of: "Bridge", in: graph).isSuperset(of: ["Replay", "MQTT", "CMosquitto"]))
    }
}
