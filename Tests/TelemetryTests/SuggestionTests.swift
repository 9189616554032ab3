import Telemetry
import XCTest

/// The one "did you mean" of rules, catalog and settings.
final class SuggestionTests: XCTestCase {
    func testATypoASwapOrOtherCaseFindsTheName() {
        XCTAssertEqual(Suggestion.nearest(to: "temprature", in: ["temperature", "humidity"]), "temperature")
        XCTAssertEqual(Suggestion.nearest(to: "hmuidity", in: ["temperature", "humidity"]), "humidity", "a swapped pair is one edit")
        XCTAssertEqual(Suggestion.nearest(to: "Severity", in: ["severity", "message"]), "severity")
        XCTAssertEqual(Suggestion.nearest(to: "avgg", in: ["avg", "max"]), "avg")
    }

    func testAStartOfANameCompletesIt() {
        XCTAssertEqual(Suggestion.nearest(to: "web", in: ["webhooks", "webhook-secret-file", "http"]), "webhooks",
                       "the shortest name it starts")
        XCTAssertEqual(Suggestion.nearest(to: "intervalSeconds", in: ["interval", "metrics"]), "interval")
        XCTAssertNil(Suggestion.nearest(to: "we", in: ["webhooks"]), "two characters say too little")
    }

    func testFarOffWordsAndTheWordItselfAreNotSuggested() {
        XCTAssertNil(Suggestion.nearest(to: "colour", in: ["temperature", "humidity"]))
        XCTAssertNil(Suggestion.nearest(to: "max", in: ["max"]))
        XCTAssertNil(Suggestion.nearest(to: "ab", in: ["xy"]))
    }

    func testTiesGoToTheAlphabeticallyFirstWhateverTheOrder() {
        XCTAssertEqual(Suggestion.nearest(to: "cat", in: ["cut", "bat"]), "bat")
        XCTAssertEqual(Suggestion.nearest(to: "cat", in: ["bat", "cut"]), "bat")
    }

    func testAnUnknownKeyMessageSuggestsOrListsTheKeys() {
        XCTAssertEqual(Suggestion.unknownKeyMessage("unti", allowed: ["unit", "path"], context: "metric 't'"),
                       "unknown key 'unti' in metric 't'; did you mean 'unit'?")
        XCTAssertEqual(Suggestion.unknownKeyMessage("zzzz", allowed: ["unit", "path"], context: "metric 't'"),
                       "unknown key 'zzzz' in metric 't'; expected one of: unit, path")
    }
}
