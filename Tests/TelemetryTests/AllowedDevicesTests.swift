import Telemetry
import XCTest

/// `allowed_devices:` limits which device ids a type accepts, so a publisher cannot invent devices.
final class AllowedDevicesTests: XCTestCase {
    func testOnlyListedDevicesAreDecoded() throws {
        let decoder = try decoder(["c.yaml": climateYAML + "\nallowed_devices: [gh-*, \"lab-?\"]\n"])
        let payload = #"{"ts":1763892900000,"temp":21,"hum":40}"#
        XCTAssertEqual(decoder.decode(message("greenhouse/n/gh-07/climate", payload)).values, ["temperature": 21, "humidity": 40])
        XCTAssertEqual(decoder.decode(message("greenhouse/n/lab-1/climate", payload)).readings.count, 2)
        let refused = decoder.decode(message("greenhouse/n/invented-123/climate", payload))
        XCTAssertNil(refused.device)
        XCTAssertEqual(refused.readings, [])
        XCTAssertEqual(refused.reasons, [.deviceNotAllowed(device: "invented-123", deviceType: "climate-sensor")])
        XCTAssertEqual(refused.deadLetter?.code, "device_not_allowed")
        XCTAssertEqual(refused.deadLetter?.detail, "device 'invented-123' is not in the allowed_devices of device type 'climate-sensor'")
    }

    func testWithoutAListEveryDeviceIsAccepted() throws {
        let decoder = try decoder(["c.yaml": climateYAML])
        XCTAssertEqual(decoder.decode(message("greenhouse/n/anything/climate", #"{"ts":1763892900000,"temp":21,"hum":40}"#)).readings.count, 2)
    }

    func testABadListIsACatalogError() {
        XCTAssertEqual(diagnostics(["c.yaml": climateYAML + "\nallowed_devices: gh-*\n"]),
                       ["c.yaml:10:18: 'allowed_devices' must be a list of device ids or globs such as gh-*, found 'gh-*'"])
        XCTAssertEqual(diagnostics(["c.yaml": climateYAML + "\nallowed_devices: [\"\"]\n"]),
                       ["c.yaml:10:19: 'allowed_devices' must not be empty"])
    }
}
