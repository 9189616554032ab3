import Foundation
import Telemetry
import TestSupport
import XCTest

/// Mutated shipped catalogs: every one either loads or is refused with positioned diagnostics.
final class CatalogFuzzTests: XCTestCase {
    func testMutatedCatalogsNeverCrash() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: shippedDevicesDirectory).filter { $0.hasSuffix(".yaml") }.sorted()
        let seeds = try names.map { try Array(Data(contentsOf: URL(fileURLWithPath: shippedDevicesDirectory + "/" + $0))) }
        XCTAssertFalse(seeds.isEmpty)
        let tokens = ["{", "}", "{device}", "{device}/{device}", "+", "#", "/", ": ", "- ", "\n", "&a ", "*a", "[", "]", "\"",
                      "min: ", "max: 1e309", "path: ", "format: senml", "format: value", "timestamp: ", "1e-400", "-0"]
            .map { Array($0.utf8) } + Fuzzing.invalidUTF8
        let iterations = Fuzzing.run { generator in
            let bytes = Fuzzing.mutate(seeds.randomElement(using: &generator) ?? [], tokens: tokens, using: &generator)
            do throws(TextFile.Failure) {
                let text = try TextFile.decode(bytes, path: "fuzz.yaml")
                do throws(CatalogError) {
                    _ = try DeviceCatalog.load(files: [("fuzz.yaml", text)])
                } catch {
                    XCTAssertFalse(error.diagnostics.isEmpty)
                    for diagnostic in error.diagnostics {
                        XCTAssertGreaterThanOrEqual(diagnostic.line, 1)
                    }
                }
            } catch {
                XCTAssertGreaterThanOrEqual(error.line, 1)
            }
        }
        print("catalog fuzz: \(iterations) inputs, seed \(Fuzzing.seed)")
    }

    func testDecodingReportsTheLineAndColumnOfTheFirstBadByte() {
        let bytes = Array("type: a\ntopic: caf".utf8) + [0xC3] + Array("\n".utf8)
        XCTAssertThrowsError(try TextFile.decode(bytes, path: "x.yaml")) { error in
            XCTAssertEqual("\(error)", "x.yaml:2:11: cannot read the file as UTF-8 text: byte 0xC3 at offset 18")
        }
        XCTAssertEqual(try TextFile.decode(Array("é\n".utf8), path: "x"), "é\n")
    }
}
