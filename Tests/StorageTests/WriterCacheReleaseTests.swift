import Foundation
@testable import Storage
import Telemetry
import XCTest

/// The writer's cache of devices and series can let devices go; a released device that reports
/// again is found in the database, never stored twice.
final class WriterCacheReleaseTests: StoreTestCase {
    func testAReleasedDeviceWritesOnAsBefore() throws {
        let store = try openStore()
        let device = Device(id: "gh-07", type: "climate-sensor", labels: ["site": "north"])
        let key = SeriesKey(device: "gh-07", metric: "temperature")
        _ = try store.write(IngestBatch(devices: [device], units: [key: "°C"], readings: [Reading("gh-07", "temperature", 10, 1)], observedAt: 100))
        store.releaseCachedDevices(["gh-07", "never-seen"])
        let again = try store.write(IngestBatch(
            devices: [device], readings: [Reading("gh-07", "temperature", 10, 9), Reading("gh-07", "temperature", 20, 2)], observedAt: 200))
        XCTAssertEqual(again, WriteOutcome(insertedReadings: 1, duplicateReadings: 1), "no new device, no new series")
        XCTAssertEqual(try store.readings(device: "gh-07", metric: "temperature").map(\.value), [1, 2])
        XCTAssertEqual(try store.devices().map(\.lastSeen), [200])
        XCTAssertEqual(try store.series().map(\.unit), ["°C"])
    }
}
