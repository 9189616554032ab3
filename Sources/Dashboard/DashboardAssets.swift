import Foundation
import Hummingbird

/// The dashboard's web pages: the files of `Sources/Dashboard/Resources` (one `index.html` for
/// every page, plus `/assets/<name>`), read once and served from memory.
///
/// The module's resource bundle is looked up where SwiftPM's `Bundle.module` looks first (next to
/// the executable) before `Bundle.module` is touched, because its accessor crashes when the bundle
/// is missing; a binary copied without its bundle gets a ``DashboardAssetsError`` naming the path.
public struct DashboardAssets: Sendable {
    /// The app's page paths: each answers `index.html`, which routes by `location.pathname`.
    static let pagePaths = ["/", "/devices/:id", "/alerts", "/deadletters", "/silences"]
    static let bundleName = "telemetry-bridge_Dashboard.resources"
    static let resourceDirectory = "Resources"
    static let indexName = "index.html"
    /// Scripts, styles and data only from this server; connections only back to it (the API, events).
    static let contentSecurityPolicy = [
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
        "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    struct Asset: Sendable {
        var body: ByteBuffer
        var contentType: String
        var etag: String
    }

    let files: [String: Asset]

    /// Reads every regular file directly in `directory`; it must contain `index.html`.
    public init(directory: URL) throws(DashboardAssetsError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .unreadable(path: directory.path, reason: "\(error)")
        }
        var files: [String: Asset] = [:]
        for name in names where !name.hasPrefix(".") {
            let url = directory.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw .unreadable(path: url.path, reason: "\(error)")
            }
            let bytes = [UInt8](data)
            files[name] = Asset(body: ByteBuffer(bytes: bytes), contentType: Self.contentType(of: name), etag: Self.etag(of: bytes))
        }
        guard files[Self.indexName] != nil else {
            throw .missingFile(path: directory.appendingPathComponent(Self.indexName).path)
        }
        self.files = files
    }

    /// The assets shipped in the module's resource bundle, loaded on first use and cached for the
    /// process. Call it at startup to fail early when the bundle is missing.
    public static func bundled() throws(DashboardAssetsError) -> DashboardAssets {
        try cached.get()
    }

    private static let cached: Result<DashboardAssets, DashboardAssetsError> = Result { () throws(DashboardAssetsError) in
        let path = Bundle.main.bundleURL.appendingPathComponent(bundleName).path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .bundleNotFound(path: path)
        }
        return try DashboardAssets(directory: directory(in: Bundle.module))
    }

    /// The copied `Resources` directory. Foundation on Linux takes a bundle's own `Resources`
    /// subdirectory as its resource URL, elsewhere it is inside the resource URL.
    private static func directory(in bundle: Bundle) -> URL {
        let candidates = [bundle.resourceURL?.appendingPathComponent(resourceDirectory, isDirectory: true), bundle.resourceURL,
                          bundle.bundleURL.appendingPathComponent(resourceDirectory, isDirectory: true)].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent(indexName).path) }
            ?? bundle.bundleURL.appendingPathComponent(resourceDirectory, isDirectory: true)
    }

    /// Adds the page and `/assets/` routes of the bundled assets; if they cannot be loaded the
    /// routes answer 500 with the reason (see ``bundled()`` to fail at startup instead).
    static func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        switch cached {
        case .success(let assets):
            assets.addRoutes(to: router)
        case .failure(let error):
            let failure = APIError(kind: .internalError, parameter: nil, message: error.description)
            for path in pagePaths + ["/assets/**"] {
                router.get(RouterPath(path)) { _, _ in JSONResponse.error(failure) }
            }
        }
    }

    /// Adds `GET` routes for the app's pages (all `index.html`) and `/assets/<name>`.
    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let files = self.files
        guard let index = files[Self.indexName] else { return }
        for path in Self.pagePaths {
            router.get(RouterPath(path)) { request, _ in Self.response(index, request: request, page: true) }
        }
        router.get("/assets/**") { request, context in
            let name = context.parameters.getCatchAll().joined(separator: "/")
            guard let asset = files[name] else {
                return JSONResponse.error(.notFound("asset", "no asset named '\(name)'"))
            }
            return Self.response(asset, request: request, page: false)
        }
    }

    private static func response(_ asset: Asset, request: Request, page: Bool) -> Response {
        var headers: HTTPFields = [
            .contentType: asset.contentType,
            .cacheControl: "no-cache",
            .eTag: asset.etag,
            .xContentTypeOptions: "nosniff",
        ]
        if page {
            headers[.contentSecurityPolicy] = contentSecurityPolicy
        }
        if let tags = request.headers[.ifNoneMatch], tags.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == asset.etag }) {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: asset.body))
    }

    static func contentType(of name: String) -> String {
        let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "html": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json": return "application/json; charset=utf-8"
        case "svg": return "image/svg+xml; charset=utf-8"
        case "txt": return "text/plain; charset=utf-8"
        case "png": return "image/png"
        case "ico": return "image/x-icon"
        case "woff2": return "font/woff2"
        default: return "application/octet-stream"
        }
    }

    /// A strong validator: FNV-1a 64 of the bytes.
    static func etag(of bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }
}
