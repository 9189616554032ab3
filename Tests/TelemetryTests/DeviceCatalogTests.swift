import Telemetry
import XCTest

final class DeviceCatalogTests: XCTestCase {
    func testShippedDevicesLoadCleanly() throws {
        let catalog: DeviceCatalog
        do {
            catalog = try DeviceCatalog.load(directory: shippedDevicesDirectory)
        } catch {
            return XCTFail("shipped catalog rejected:\n\(error)")
        }
        XCTAssertEqual(catalog.types.map(\.name), ["climate-sensor", "energy-meter", "plain-value-sensor", "zigbee-sensor"])
        XCTAssertEqual(catalog.subscriptions, ["energy/+/+/senml", "greenhouse/+/+/climate", "home/+/+/+", "zigbee2mqtt/+"])
        for type in catalog.types {
            XCTAssertFalse(type.description.isEmpty, type.name)
            XCTAssertNotNil(type.interval, type.name)
        }
    }

    func testReadsEveryField() throws {
        let catalog = try catalog(["climate.yaml": climateYAML + "\ninterval: 30s\ndescription: Greenhouse\nversion: 2\n"])
        let type = try XCTUnwrap(catalog.type(named: "climate-sensor"))
        XCTAssertEqual(type.description, "Greenhouse")
        XCTAssertEqual(type.version, 2)
        XCTAssertEqual(type.topic.text, "greenhouse/{site}/{device}/climate")
        XCTAssertEqual(type.format, .json)
        XCTAssertEqual(type.timestampPath, "ts")
        XCTAssertEqual(type.sequencePath, "seq")
        XCTAssertEqual(type.interval, 30_000)
        XCTAssertEqual(type.metrics.map(\.name), ["temperature", "humidity", "battery"])
        XCTAssertEqual(type.metric(named: "temperature"), MetricDefinition(name: "temperature", path: "temp", unit: "°C", min: -40, max: 85))
        XCTAssertEqual(type.metric(named: "battery")?.optional, true)
        XCTAssertEqual(type.metric(named: "battery")?.path, "power.battery")
        XCTAssertNil(catalog.type(named: "nope"))
    }

    func testDefaultsForOptionalFields() throws {
        let catalog = try catalog(["a.yaml": """
            type: plug
            topic: plugs/{device}/{metric}
            format: value
            metrics:
              power:
              state: { map: { "ON": 1, "OFF": 0 } }
            """])
        let type = try XCTUnwrap(catalog.type(named: "plug"))
        XCTAssertEqual(type.version, 1)
        XCTAssertEqual(type.description, "")
        XCTAssertNil(type.interval)
        XCTAssertNil(type.timestampPath)
        XCTAssertEqual(type.metric(named: "power"), MetricDefinition(name: "power"))
        XCTAssertEqual(type.metric(named: "state")?.valueMap, ["ON": 1, "OFF": 0])
    }

    func testFormatDefaultsToJSON() throws {
        let catalog = try catalog(["a.yaml": "type: t\ntopic: t/{device}\nmetrics:\n  x: {}\n"])
        XCTAssertEqual(catalog.types.first?.format, .json)
    }

    func testSubscriptionsAreDeduplicatedAndSorted() throws {
        let catalog = try DeviceCatalog(types: [
            DeviceType(name: "b", topic: try TopicTemplate("x/{device}/b"), format: .json, metrics: [MetricDefinition(name: "v")]),
            DeviceType(name: "a", topic: try TopicTemplate("a/{device}"), format: .json, metrics: [MetricDefinition(name: "v")]),
            DeviceType(name: "c", topic: try TopicTemplate("x/{device}/c"), format: .json, metrics: [MetricDefinition(name: "v")]),
        ])
        XCTAssertEqual(catalog.subscriptions, ["a/+", "x/+/b", "x/+/c"])
    }

    func testProgrammaticCatalogRejectsDuplicatesAndOverlaps() throws {
        let metric = [MetricDefinition(name: "v")]
        XCTAssertThrowsError(try DeviceCatalog(types: [
            DeviceType(name: "a", topic: try TopicTemplate("x/{device}"), format: .json, metrics: metric),
            DeviceType(name: "a", topic: try TopicTemplate("y/{device}/k"), format: .json, metrics: metric),
            DeviceType(name: "c", topic: try TopicTemplate("{device}/y/k"), format: .json, metrics: metric),
        ])) { error in
            let lines = (error as? CatalogError)?.diagnostics.map(\.description) ?? []
            XCTAssertEqual(lines, [
                "<types>:2:1: duplicate device type 'a' (first defined at <types>:1:1)",
                "<types>:2:1: topic template 'y/{device}/k' can match the same topics as '{device}/y/k' of device type 'c' (<types>:3:1)",
                "<types>:3:1: topic template '{device}/y/k' can match the same topics as 'y/{device}/k' of device type 'a' (<types>:2:1)",
            ])
        }
    }

    func testLoadsDirectoryInNameOrderAndSkipsOtherFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "type: zeta\ntopic: z/{device}\nmetrics: { v: {} }\n".write(to: directory.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        try "type: alpha\ntopic: a/{device}\nmetrics: { v: {} }\n".write(to: directory.appendingPathComponent("c.yml"), atomically: true, encoding: .utf8)
        try "type: gamma\ntopic: g/{device}\nmetrics: { v: {} }\n".write(to: directory.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try "not: yaml: at all".write(to: directory.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let catalog = try DeviceCatalog.load(directory: directory.path)
        XCTAssertEqual(catalog.types.map(\.name), ["gamma", "zeta", "alpha"])
    }

    func testEmptyDirectoryIsAnError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "hello".write(to: directory.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DeviceCatalog.load(directory: directory.path)) { error in
            XCTAssertEqual((error as? CatalogError)?.diagnostics.map(\.message), ["no device types found in \(directory.path)"])
        }
    }

    func testMissingDirectoryIsAnError() {
        XCTAssertThrowsError(try DeviceCatalog.load(directory: "/nonexistent/devices-\(UUID().uuidString)")) { error in
            XCTAssertEqual((error as? CatalogError)?.diagnostics.count, 1)
        }
    }
}
