import Foundation
import Rules
import Storage
import Telemetry

/// A real SQLite log written directly (no broker), rule directories, and the shipped catalog.
public final class ReplayFixture {
    /// 2027-01-15T08:00:00Z.
    public static let base: Int64 = 1_800_000_000_000

    public static let rules = """
        rules:
          - alert: TooHot
            devices: climate-sensor
            where: site == "north"
            when: avg(temperature, 1m) > 30
            for: 2m
            clear: avg(temperature, 1m) < 28
            severity: critical
            message: "{{device}} ({{site}}) at {{value}} °C"
          - alert: Quiet
            devices: "q-*"
            when: silent(5m)
            severity: warning
        """

    public let directory: TemporaryDirectory
    public let store: TelemetryStore
    public var database: String { directory.file("replay.sqlite") }

    public init() throws {
        directory = try TemporaryDirectory(prefix: "replay-test")
        store = try TelemetryStore(path: directory.file("replay.sqlite"))
    }

    public static func schema() throws -> RuleSchema {
        RuleSchema(catalog: try DeviceCatalog.load(directory: RepositoryPaths.devices))
    }

    /// Writes `yaml` as `name/rules.yaml` and returns the directory.
    public func rulesDirectory(_ yaml: String = ReplayFixture.rules, name: String = "rules") throws -> String {
        let path = directory.file(name)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try yaml.write(toFile: path + "/rules.yaml", atomically: true, encoding: .utf8)
        return path
    }

    public func ruleSet(_ yaml: String = ReplayFixture.rules) throws -> RuleSet {
        try RuleSet.parse(files: [("rules.yaml", yaml)], schema: Self.schema())
    }

    /// Climate readings (temperature, humidity 50) every 30 s from `base + start * 30 s`.
    public func climate(_ device: String, site: String = "north", _ temperatures: [Double], from start: Int = 0) throws {
        let readings = temperatures.enumerated().flatMap { offset, value in
            let time = Self.base + Int64(start + offset) * 30_000
            return [Reading(device: device, metric: "temperature", timestamp: time, value: value),
                    Reading(device: device, metric: "humidity", timestamp: time, value: 50)]
        }
        _ = try store.write(IngestBatch(devices: [Device(id: device, type: "climate-sensor", labels: ["site": site])],
                                    readings: readings, observedAt: Self.base))
    }

    /// Plain-value temperature readings at the given offsets (ms) from `base`.
    public func plain(_ device: String, at offsets: [Int64]) throws {
        let readings = offsets.map { Reading(device: device, metric: "temperature", timestamp: Self.base + $0, value: 21) }
        _ = try store.write(IngestBatch(devices: [Device(id: device, type: "plain-value-sensor", labels: ["room": "hall"])],
                                    readings: readings, observedAt: Self.base))
    }

    /// gh-01 (north) heats up and cools down; gh-02 (south) is filtered out by `where`; q-01 is
    /// quiet for 19 minutes; q-02 stops after its first reading.
    public func standardHistory() throws {
        try climate("gh-01", [20, 20, 20, 35, 35, 35, 35, 35, 35, 35, 20, 20, 20])
        try climate("gh-02", site: "south", [35, 35, 35, 35, 35, 35, 35])
        try plain("q-01", at: [0, 60_000, 1_200_000])
        try plain("q-02", at: [0])
    }

    public func remove() {
        directory.remove()
    }
}
