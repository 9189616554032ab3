import Telemetry
import XCTest

final class TopicTemplateTests: XCTestCase {
    func testMatchReadsDeviceAndLabels() throws {
        let template = try TopicTemplate("greenhouse/{site}/{device}/climate")
        let match = try XCTUnwrap(template.match("greenhouse/north/gh-07/climate"))
        XCTAssertEqual(match.device, "gh-07")
        XCTAssertEqual(match.labels, ["site": "north"])
        XCTAssertNil(match.metric)
        XCTAssertEqual(template.placeholders, ["site", "device"])
        XCTAssertEqual(template.labels, ["site"])
    }

    func testMetricPlaceholderIsNotALabel() throws {
        let template = try TopicTemplate("home/{room}/{device}/{metric}")
        let match = try XCTUnwrap(template.match("home/kitchen/t1/co2"))
        XCTAssertEqual(match, TopicMatch(device: "t1", labels: ["room": "kitchen"], metric: "co2"))
        XCTAssertTrue(template.hasMetricPlaceholder)
    }

    func testRejectsTopicsOfOtherShapes() throws {
        let template = try TopicTemplate("greenhouse/{site}/{device}/climate")
        XCTAssertNil(template.match("greenhouse/north/gh-07"), "too few levels")
        XCTAssertNil(template.match("greenhouse/north/gh-07/climate/extra"), "too many levels")
        XCTAssertNil(template.match("greenhouse/north/gh-07/climatex"), "literal differs in length")
        XCTAssertNil(template.match("greenhouse/north/gh-07/climbte"), "literal differs")
        XCTAssertNil(template.match("glasshouse/north/gh-07/climate"), "first literal differs")
        XCTAssertNil(template.match("greenhouse//gh-07/climate"), "empty placeholder level")
        XCTAssertNil(template.match("greenhouse/north/gh-07/climate/"), "trailing slash adds a level")
        XCTAssertNil(template.match(""))
    }

    func testSingleLevelTemplate() throws {
        let template = try TopicTemplate("zigbee2mqtt/{device}")
        XCTAssertEqual(template.match("zigbee2mqtt/kitchen_door")?.device, "kitchen_door")
        XCTAssertNil(template.match("zigbee2mqtt/bridge/state"))
        XCTAssertNil(template.match("zigbee2mqtt"))
    }

    func testMatchesNonASCIILevels() throws {
        let template = try TopicTemplate("serre/{site}/{device}/climat")
        let match = try XCTUnwrap(template.match("serre/forêt/capteur-é/climat"))
        XCTAssertEqual(match.device, "capteur-é")
        XCTAssertEqual(match.labels["site"], "forêt")
    }

    func testFilterReplacesPlaceholdersWithPlus() throws {
        XCTAssertEqual(try TopicTemplate("greenhouse/{site}/{device}/climate").filter, "greenhouse/+/+/climate")
        XCTAssertEqual(try TopicTemplate("{device}").filter, "+")
    }

    func testRenderIsTheInverseOfMatch() throws {
        let template = try TopicTemplate("home/{room}/{device}/{metric}")
        let topic = template.render(device: "t1", labels: ["room": "hall"], metric: "humidity")
        XCTAssertEqual(topic, "home/hall/t1/humidity")
        XCTAssertEqual(template.match(topic), TopicMatch(device: "t1", labels: ["room": "hall"], metric: "humidity"))
    }

    func testRejectsInvalidTemplates() {
        func problems(_ text: String) -> [String] {
            do {
                _ = try TopicTemplate(text)
                return []
            } catch {
                return error.problems
            }
        }
        XCTAssertEqual(problems("greenhouse/{site}/climate"), ["the template needs a {device} level"])
        XCTAssertEqual(problems("a/{device}/{device}"), ["placeholder '{device}' appears more than once"])
        XCTAssertEqual(problems("a/+/{device}"), ["level '+' uses an MQTT wildcard; name it with {name} instead"])
        XCTAssertEqual(problems("a/{device}/#"), ["level '#' uses an MQTT wildcard; name it with {name} instead"])
        XCTAssertEqual(problems("a//{device}"), ["empty level (a leading, trailing or doubled '/')"])
        XCTAssertEqual(problems("a/{device"), ["unbalanced braces in level '{device'", "the template needs a {device} level"])
        XCTAssertEqual(problems("a/x{device}"), ["level 'x{device}' must be a whole placeholder like {name}", "the template needs a {device} level"])
        XCTAssertEqual(problems("a/{}/{device}"), ["placeholder '{}' must be a name of letters, digits and '_' not starting with a digit"])
        XCTAssertEqual(problems(""), ["the template is empty"])
        XCTAssertEqual(problems("a/{site}/{device}"), [])
    }

    func testOverlapNeedsSameLevelCountAndCompatibleLevels() throws {
        func overlaps(_ a: String, _ b: String) throws -> Bool {
            let (first, second) = (try TopicTemplate(a), try TopicTemplate(b))
            XCTAssertEqual(first.overlaps(second), second.overlaps(first), "overlap is symmetric")
            return first.overlaps(second)
        }
        XCTAssertTrue(try overlaps("greenhouse/{site}/{device}/climate", "greenhouse/north/{device}/climate"))
        XCTAssertTrue(try overlaps("a/{device}", "{device}/b"))
        XCTAssertTrue(try overlaps("a/{device}", "a/{device}"))
        XCTAssertFalse(try overlaps("greenhouse/{site}/{device}/climate", "greenhouse/{site}/{device}/soil"))
        XCTAssertFalse(try overlaps("a/{device}", "a/{device}/x"))
        XCTAssertFalse(try overlaps("zigbee2mqtt/{device}", "home/{room}/{device}/{metric}"))
    }
}

extension TopicTemplateTests {
    func testAFinalMultiLevelPlaceholderTakesTheRemainingLevels() throws {
        let template = try TopicTemplate("zigbee2mqtt/{device+}")
        XCTAssertTrue(template.endsWithMultiLevel)
        XCTAssertEqual(template.filter, "zigbee2mqtt/#")
        XCTAssertEqual(template.placeholders, ["device"])
        XCTAssertEqual(template.match("zigbee2mqtt/kitchen/fridge")?.device, "kitchen/fridge")
        XCTAssertEqual(template.match("zigbee2mqtt/hall")?.device, "hall")
        for topic in ["zigbee2mqtt", "zigbee2mqtt/", "zigbee2mqtt//a", "zigbee2mqtt/a//b", "zigbee2mqtt/a/", "other/a"] {
            XCTAssertNil(template.match(topic), topic)
        }
        XCTAssertEqual(template.render(device: "kitchen/fridge"), "zigbee2mqtt/kitchen/fridge")
        let labelled = try TopicTemplate("home/{site}/{device+}")
        XCTAssertEqual(labelled.match("home/berlin/floor1/lamp")?.labels, ["site": "berlin"])
        XCTAssertEqual(labelled.match("home/berlin/floor1/lamp")?.device, "floor1/lamp")
    }

    func testAMultiLevelPlaceholderMustBeLastAndKeepsTheOverlapCheck() throws {
        do {
            _ = try TopicTemplate("a/{device+}/state")
            XCTFail("accepted")
        } catch {
            XCTAssertEqual(error.problems, ["'{device+}' takes the remaining levels, so it must be the last level"])
        }
        func overlaps(_ a: String, _ b: String) throws -> Bool {
            let (first, second) = (try TopicTemplate(a), try TopicTemplate(b))
            XCTAssertEqual(first.overlaps(second), second.overlaps(first), "overlap is symmetric")
            return first.overlaps(second)
        }
        XCTAssertTrue(try overlaps("zigbee2mqtt/{device+}", "zigbee2mqtt/{device}"))
        XCTAssertTrue(try overlaps("zigbee2mqtt/{device+}", "zigbee2mqtt/bridge/{device}"), "zigbee2mqtt/bridge/x fits both")
        XCTAssertTrue(try overlaps("a/{device+}", "{site}/{device+}"))
        XCTAssertFalse(try overlaps("a/b/{device+}", "a/{device}"), "one or more levels after a/b: never zero")
        XCTAssertFalse(try overlaps("zigbee2mqtt/{device+}", "tele/{device}/SENSOR"))
        XCTAssertFalse(try overlaps("a/b/{device+}", "a/c/{device+}"))
    }
}

extension TopicTemplateTests {
    /// A Zigbee2MQTT friendly name with a `/` is one device, decoded from the documented payload.
    func testAZigbee2MQTTFriendlyNameWithSlashesIsOneDevice() throws {
        let decoder = try decoder(["z2m.yaml": """
            type: z2m
            topic: zigbee2mqtt/{device+}
            format: json
            metrics:
              temperature: { unit: "°C", optional: true }
              linkquality: { unit: lqi }
            """])
        let decoded = decoder.decode(message("zigbee2mqtt/kitchen/fridge", #"{"temperature": 4.5, "linkquality": 120}"#))
        XCTAssertEqual(decoded.device?.id, "kitchen/fridge")
        XCTAssertEqual(decoded.values, ["temperature": 4.5, "linkquality": 120])
    }
}
