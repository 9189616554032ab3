import XCTest
@testable import Rules

final class ShippedRulesTests: XCTestCase {
    func testShippedRulesLoad() throws {
        let rules: RuleSet
        do {
            rules = try RuleSet.load(directory: shippedRulesDirectory, schema: fleetSchema, attributesFile: shippedAttributesFile)
        } catch {
            return XCTFail(error.description)
        }
        XCTAssertEqual(
            Set(rules.rules.map(\.name)),
            ["GreenhouseTooHot", "TemperatureRisingFast", "NorthGreenhouseTooHumid", "ClimateSensorBatteryLow",
             "CO2High", "PowerSpike", "MainsVoltageOutOfRange", "ZigbeeLinkWeak", "SensorSilent", "ClimateSensorLagging"])
        XCTAssertEqual(rules.lookback, 30 * minute)
    }

    func testShippedRuleTestsPass() throws {
        do {
            let rules = try RuleSet.load(directory: shippedRulesDirectory, schema: fleetSchema, attributesFile: shippedAttributesFile)
            let report = try RuleTestRunner.run(
                directory: shippedRulesDirectory + "/tests", rules: rules, schema: fleetSchema)
            XCTAssertEqual(report.cases.count, 8)
            XCTAssertTrue(report.passed, report.description)
        } catch {
            XCTFail(error.description)
        }
    }
}
