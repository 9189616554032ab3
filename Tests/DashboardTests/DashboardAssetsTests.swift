@testable import Dashboard
import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

final class DashboardAssetsTests: DashboardTestCase {
    private static let resources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Dashboard/Resources", isDirectory: true)

    private struct Answer {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String
    }

    private func fetch(_ uri: String, headers: HTTPFields = [:]) async throws -> Answer {
        let app = Application(router: dashboard().router())
        return try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .get, headers: headers) { response in
                Answer(status: response.status, headers: response.headers, body: String(buffer: response.body))
            }
        }
    }

    func testEveryPagePathAnswersTheIndexPage() async throws {
        let index = try String(contentsOf: Self.resources.appendingPathComponent("index.html"), encoding: .utf8)
        for path in ["/", "/devices/pump-1", "/devices/a%20b", "/alerts", "/deadletters", "/silences", "/alerts?at=2026-11-18T11:00:00Z"] {
            let answer = try await fetch(path)
            XCTAssertEqual(answer.status, .ok, path)
            XCTAssertEqual(answer.headers[.contentType], "text/html; charset=utf-8", path)
            XCTAssertEqual(answer.headers[.cacheControl], "no-cache", path)
            XCTAssertEqual(answer.body, index, path)
            XCTAssertTrue(answer.body.contains(#"<script type="module" src="/assets/main.js"></script>"#), path)
            XCTAssertTrue(answer.headers[.contentSecurityPolicy]?.contains("script-src 'self'") ?? false, path)
        }
    }

    func testAssetsAreServedWithTheirContentTypes() async throws {
        let expected = [
            "main.js": "text/javascript; charset=utf-8",
            "page-overview.js": "text/javascript; charset=utf-8",
            "app.css": "text/css; charset=utf-8",
            "index.html": "text/html; charset=utf-8",
        ]
        for (name, type) in expected {
            let answer = try await fetch("/assets/\(name)")
            XCTAssertEqual(answer.status, .ok, name)
            XCTAssertEqual(answer.headers[.contentType], type, name)
            XCTAssertEqual(answer.headers[.cacheControl], "no-cache", name)
            XCTAssertEqual(answer.headers[.xContentTypeOptions], "nosniff", name)
            let source = try String(contentsOf: Self.resources.appendingPathComponent(name), encoding: .utf8)
            XCTAssertEqual(answer.body, source, name)
        }
    }

    func testUnchangedAssetAnswersNotModified() async throws {
        let first = try await fetch("/assets/main.js")
        let etag = try XCTUnwrap(first.headers[.eTag])
        let second = try await fetch("/assets/main.js", headers: [.ifNoneMatch: etag])
        XCTAssertEqual(second.status, .notModified)
        XCTAssertEqual(second.body, "")
        let changed = try await fetch("/assets/main.js", headers: [.ifNoneMatch: #""0000000000000000""#])
        XCTAssertEqual(changed.status, .ok)
    }

    func testUnknownAssetIsAJSONNotFound() async throws {
        for path in ["/assets/nope.js", "/assets/nested/app.js", "/assets/..%2Fapp.js"] {
            let answer = try await fetch(path)
            XCTAssertEqual(answer.status, .notFound, path)
            XCTAssertEqual(answer.headers[.contentType], "application/json; charset=utf-8", path)
            let json = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
            XCTAssertEqual(json?["parameter"] as? String, "asset", path)
            XCTAssertFalse((json?["error"] as? String ?? "").isEmpty, path)
        }
    }

    func testNoResourceRefersToAnExternalURL() async throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.resources.path).filter { !$0.hasPrefix(".") }
        XCTAssertEqual(Set(names), Set(try DashboardAssets.bundled().files.keys))
        for name in names {
            let answer = try await fetch("/assets/\(name)")
            XCTAssertEqual(answer.status, .ok, name)
            let text = answer.body.lowercased()
            for external in ["http://", "https://", "//cdn", "@import", "url(//"] {
                XCTAssertFalse(text.contains(external), "\(name) contains \(external)")
            }
        }
    }

    func testScriptNeverAssignsMarkupFromData() throws {
        let modules = try FileManager.default.contentsOfDirectory(atPath: Self.resources.path).filter { $0.hasSuffix(".js") }.sorted()
        XCTAssertTrue(modules.contains("main.js") && modules.count > 5, "\(modules)")
        let script = try modules.map { try String(contentsOf: Self.resources.appendingPathComponent($0), encoding: .utf8) }
            .joined(separator: "\n")
        let assignments = script.components(separatedBy: "innerHTML").count - 1
        XCTAssertEqual(assignments, 1, "only the constant SVG namespace probe may use innerHTML")
        XCTAssertTrue(script.contains("template.innerHTML = '<svg></svg>';"))
        for unsafe in ["outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"] {
            XCTAssertFalse(script.contains(unsafe), unsafe)
        }
    }

    func testMissingResourcesAreATypedErrorNamingThePath() throws {
        let empty = directory.appendingPathComponent("assets", isDirectory: true)
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        XCTAssertThrowsError(try DashboardAssets(directory: empty)) { error in
            XCTAssertEqual(error as? DashboardAssetsError, .missingFile(path: empty.appendingPathComponent("index.html").path))
            XCTAssertTrue("\(error)".contains(empty.path))
        }
        let absent = directory.appendingPathComponent("absent", isDirectory: true)
        XCTAssertThrowsError(try DashboardAssets(directory: absent)) { error in
            guard case .unreadable(let path, _) = error as? DashboardAssetsError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(path, absent.path)
        }
    }

    func testBundledAssetsAreFoundNextToTheTestBinary() throws {
        let assets = try DashboardAssets.bundled()
        XCTAssertNotNil(assets.files["index.html"])
        XCTAssertNotNil(assets.files["main.js"])
        XCTAssertNotNil(assets.files["app.css"])
    }
}
