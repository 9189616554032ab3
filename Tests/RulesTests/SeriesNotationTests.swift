import XCTest
@testable import Rules

final class SeriesNotationTests: XCTestCase {
    func testExpandsPromtoolNotation() throws {
        XCTAssertEqual(try SeriesNotation.expand("20 21 35x2 _ 22"), [20, 21, 35, 35, 35, nil, 22])
        XCTAssertEqual(try SeriesNotation.expand("1+2x3 10-1x2"), [1, 3, 5, 7, 10, 9, 8])
        XCTAssertEqual(try SeriesNotation.expand("-2+4x2 _x2 1e3"), [-2, 2, 6, nil, nil, 1000])
        XCTAssertEqual(try SeriesNotation.expand("  5x0  "), [5])
    }

    func testRejectsMalformedWordsWithTheirOffset() {
        XCTAssertThrowsError(try SeriesNotation.expand("20 2o 3")) { error in
            XCTAssertEqual(error as? SeriesNotation.Failure,
                           .init(offset: 3, length: 2, message: "'2o' is not a number, '_' or 'axN'"))
        }
        XCTAssertThrowsError(try SeriesNotation.expand("1x-2"))
        XCTAssertThrowsError(try SeriesNotation.expand("1*2x3"))
    }
}
