import Foundation
@testable import Rules
import Telemetry
import TestSupport
import XCTest

/// Rule files come from operators, editors and file watchers: no file may crash the parser or the
/// checker (each crasher found by fuzzing is a case here), and every refusal names a position.
final class HostileRuleFileTests: XCTestCase {
    private func when(_ expression: String) -> String {
        "rules:\n  - alert: A\n    devices: climate-sensor\n    when: \(expression)\n"
    }

    /// The crashers of the issue, as deep as fits the length limit: each kind overflowed the stack
    /// of the parser or the checker (the full-size ones are refused by length, below).
    static let crashers: [(name: String, expression: String)] = [
        ("parentheses", String(repeating: "(", count: 4_900) + "1" + String(repeating: ")", count: 4_900) + " > 0"),
        ("unary minus", String(repeating: "-", count: 9_000) + "temperature > 0"),
        ("not", String(repeating: "not ", count: 2_400) + "temperature > 0"),
        ("nested abs(", String(repeating: "abs(", count: 1_200) + "temperature" + String(repeating: ")", count: 1_200) + " > 0"),
        ("a long sum", "temperature" + String(repeating: " + 1", count: 2_400) + " > 0"),
    ]

    func testDeepExpressionsAreRefusedWithAPositionQuickly() {
        for (name, expression) in Self.crashers {
            let started = Date()
            let found = diagnostics(when(expression))
            XCTAssertLessThan(Date().timeIntervalSince(started), 1, name)
            XCTAssertEqual(found.map(\.message), ["expression nested deeper than 100 levels; split it into simpler rules"], name)
            XCTAssertEqual(found.first?.line, 4, name)
            XCTAssertGreaterThan(found.first?.column ?? 0, 11 + 90, "\(name): the position where the limit was crossed")
        }
    }

    func testTheFullSizeCrashersAreRefusedByLengthOrDepth() {
        let huge = [
            String(repeating: "(", count: 15_000) + "1" + String(repeating: ")", count: 15_000),
            String(repeating: "-", count: 20_000) + "1",
            String(repeating: "1 + ", count: 100_000) + "1",
        ]
        for expression in huge {
            let found = diagnostics(when(expression + " > 0"))
            XCTAssertEqual(found.map(\.message), ["expression longer than 10000 characters"])
            XCTAssertEqual(found.first?.column, 11 + 10_000)
        }
    }

    func testNestingUpToTheLimitIsAccepted() throws {
        let depth = Parser.maximumDepth - 2
        let nested = String(repeating: "(", count: depth) + "temperature" + String(repeating: ")", count: depth)
        XCTAssertEqual(diagnostics(when(nested + " > 30")), [])
        let chain = "temperature" + String(repeating: " + 1", count: Parser.maximumDepth - 2) + " > 30"
        XCTAssertEqual(diagnostics(when(chain)), [])
        let tooLong = "temperature" + String(repeating: " + 1", count: Parser.maximumDepth) + " > 30"
        XCTAssertEqual(diagnostics(when(tooLong)).map(\.message), ["expression nested deeper than 100 levels; split it into simpler rules"])
    }

    func testARuleFileThatIsNotUTF8IsRefusedAtItsFirstBadByte() throws {
        let directory = try TemporaryDirectory(prefix: "rules-utf8")
        defer { directory.remove() }
        var bytes = Array("rules:\n  - alert: Caf".utf8)
        bytes += [0xE9] + Array("\n    devices: climate-sensor\n    when: temperature > 30\n".utf8)
        _ = FileManager.default.createFile(atPath: directory.file("bad.yaml"), contents: Data(bytes))
        try "rules:\n  - alert: Fine\n    devices: climate-sensor\n    when: temperature > 30 +\n"
            .write(toFile: directory.file("other.yaml"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RuleSet.load(directory: directory.path, schema: fleetSchema)) { error in
            let found = (error as? RuleError)?.diagnostics ?? []
            XCTAssertEqual(found.count, 2, "\(error)")
            XCTAssertTrue(found.contains { $0.file.hasSuffix("bad.yaml") && $0.line == 2 && $0.column == 15
                && $0.message.contains("cannot read the file as UTF-8 text: byte 0xE9") }, "\(found)")
            XCTAssertTrue(found.contains { $0.file.hasSuffix("other.yaml") && $0.line == 4 }, "the other file's problems too: \(found)")
        }
    }

    func testAHugeRuleFileIsRefused() throws {
        let directory = try TemporaryDirectory(prefix: "rules-huge")
        defer { directory.remove() }
        _ = FileManager.default.createFile(atPath: directory.file("huge.yaml"), contents: Data(repeating: UInt8(ascii: "#"), count: TextFile.maximumBytes + 1))
        XCTAssertThrowsError(try RuleSet.load(directory: directory.path, schema: fleetSchema)) { error in
            XCTAssertEqual((error as? RuleError)?.diagnostics.map(\.message), ["file larger than \(TextFile.maximumBytes) bytes"])
        }
    }

    /// Mutated shipped rule files: every one either loads or is refused with positioned diagnostics.
    func testMutatedRuleFilesNeverCrash() throws {
        let seeds = try FileManager.default.contentsOfDirectory(atPath: shippedRulesDirectory).filter { $0.hasSuffix(".yaml") }.sorted()
            .map { try Array(Data(contentsOf: URL(fileURLWithPath: shippedRulesDirectory + "/" + $0))) }
        XCTAssertFalse(seeds.isEmpty)
        let tokens = ["(", ")", "-", "not ", "abs(", " + ", " and ", " or ", "avg(", "silent(", ", 5m)", "{{", "}}", "\n", ": ", "- ",
                      "&a ", "*a", "[", "]", "{", "}", "\"", "'", "1e309", "-9223372036854775808", "\t"].map { Array($0.utf8) }
            + Fuzzing.invalidUTF8
        var loaded = 0
        let iterations = Fuzzing.run { generator in
            let seed = seeds.randomElement(using: &generator) ?? []
            let bytes = Fuzzing.mutate(seed, tokens: tokens, using: &generator)
            do throws(TextFile.Failure) {
                let text = try TextFile.decode(bytes, path: "fuzz.yaml")
                if diagnostics(text, file: "fuzz.yaml").isEmpty { loaded += 1 }
            } catch {
                XCTAssertGreaterThanOrEqual(error.line, 1)
            }
        }
        XCTAssertGreaterThan(iterations, 0)
        print("rule-file fuzz: \(iterations) inputs, \(loaded) loaded, seed \(Fuzzing.seed)")
    }
}

extension HostileRuleFileTests {
    /// The formats this issue added (maintenance windows, device attributes, flapping, params)
    /// with hostile values: each refused with a position, none traps.
    func testNewFileFormatsRefuseHostileValuesWithAPosition() throws {
        let deep = String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)
        let cases = [
            "maintenance: \(deep)\n",
            "maintenance:\n  - {name: w, alert: \"*\", from: 9999-12-31T23:59:59Z, to: 99999-01-01T00:00:00Z}\n",
            "maintenance:\n  - {name: w, alert: \"*\", every: day, from: \"99:99\", to: \"-1:00\"}\n",
            "maintenance:\n  - {name: w, device: \"\(String(repeating: "*", count: 600))\", from: 2026-01-01T00:00Z, to: 2026-01-02T00:00Z}\n",
            "rules:\n  - alert: A\n    devices: climate-sensor\n    when: temperature > $t\n    params: {t: 1e400}\n",
            "rules:\n  - alert: A\n    devices: climate-sensor\n    when: temperature > 1\n    flapping: {window: 1h, high: 99999999999999999999, low: -1}\n",
            "rules:\n  - alert: A\n    devices: climate-sensor\n    when: temperature > 1\n    clear_for: 9999999999999999999d\n",
        ]
        for yaml in cases {
            let found = diagnostics(yaml)
            XCTAssertFalse(found.isEmpty, yaml.prefix(120).description)
            XCTAssertTrue(found.allSatisfy { $0.line >= 1 && $0.column >= 1 }, "\(found)")
        }
        for contents in ["attributes: \(deep)\n", "attributes:\n  \"*\": {max: 1e400}\n", "attributes:\n  \"*\": {\"\": 1}\n",
                         "attributes:\n  \"\(String(repeating: "x", count: 100_000))\": {max: 1}\n"] {
            let (_, found) = DeviceAttributesParser.parse(file: "attributes.yaml", contents: contents)
            XCTAssertFalse(found.isEmpty, contents.prefix(80).description)
        }
        let directory = try TemporaryDirectory(prefix: "attributes-utf8")
        defer { directory.remove() }
        try Data([0x61, 0x74, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: directory.file("attributes.yaml")))
        try FileManager.default.createDirectory(atPath: directory.file("rules"), withIntermediateDirectories: true)
        XCTAssertThrowsError(try RuleSet.load(directory: directory.file("rules"), schema: fleetSchema,
                                              attributesFile: directory.file("attributes.yaml"))) { error in
            XCTAssertEqual((error as? RuleError)?.diagnostics.first?.file, directory.file("attributes.yaml"))
        }
    }
}
