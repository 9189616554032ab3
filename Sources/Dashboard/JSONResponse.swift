import Foundation
import Hummingbird

/// Builds JSON responses from Codable values or from JSON text already encoded (stored events).
enum JSONResponse {
    static let contentType = "application/json; charset=utf-8"

    static func encode<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok) -> Response {
        do {
            return raw(try encoder().encode(value).map { $0 }, status: status)
        } catch {
            return raw(Array(#"{"error":"response could not be encoded"}"#.utf8), status: .internalServerError)
        }
    }

    /// The JSON of `value`; `null` if it cannot be encoded (non-finite numbers).
    static func encodedBytes<Value: Encodable>(_ value: Value) -> [UInt8] {
        (try? encoder().encode(value)).map { Array($0) } ?? Array("null".utf8)
    }

    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func raw(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A JSON array of already-encoded JSON values.
    static func array(_ elements: [String]) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: element.utf8)
        }
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }

    static func error(_ error: APIError) -> Response {
        self.error(error.message, parameter: error.parameter, status: error.status)
    }

    /// `{"error": message, "parameter": parameter}` with `status`.
    static func error(_ message: String, parameter: String? = nil, status: HTTPResponse.Status) -> Response {
        struct Body: Encodable {
            var error: String
            var parameter: String?
        }
        return encode(Body(error: message, parameter: parameter), status: status)
    }
}
