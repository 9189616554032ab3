import Foundation

/// Reads the text files operators write (device catalogs, rule files, rule tests) with a size
/// bound and a precise position for bytes that are not UTF-8, so a corrupt or half-copied file is
/// refused with `file:line:column` instead of loaded as something else.
public enum TextFile {
    /// Largest file read: far beyond any hand-written catalog or rule file.
    public static let maximumBytes = 4 << 20

    /// Why a file could not be read as text; `line` and `column` (1-based, columns in Unicode
    /// scalars) say where, 1:1 when the problem is the whole file.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public var path: String
        public var line: Int
        public var column: Int
        public var reason: String

        public var description: String { "\(path):\(line):\(column): \(reason)" }
    }

    public static func read(_ path: String, maximumBytes: Int = TextFile.maximumBytes) throws(Failure) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Failure(path: path, line: 1, column: 1, reason: "cannot open the file")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumBytes + 1) ?? Data()
        } catch {
            throw Failure(path: path, line: 1, column: 1, reason: "cannot read the file: \(error.localizedDescription)")
        }
        guard data.count <= maximumBytes else {
            throw Failure(path: path, line: 1, column: 1, reason: "file larger than \(maximumBytes) bytes")
        }
        return try decode(Array(data), path: path)
    }

    /// `bytes` as a String, or where its first ill-formed UTF-8 sequence is.
    public static func decode(_ bytes: [UInt8], path: String) throws(Failure) -> String {
        let invalid = bytes.withUnsafeBufferPointer { JSONScanner.firstInvalidUTF8($0, from: 0, to: $0.count) }
        guard let invalid else { return String(decoding: bytes, as: UTF8.self) }
        let before = bytes[..<invalid]
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let line = before.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        let column = String(decoding: bytes[lineStart..<invalid], as: UTF8.self).unicodeScalars.count + 1
        throw Failure(path: path, line: line, column: column,
                      reason: String(format: "cannot read the file as UTF-8 text: byte 0x%02X at offset %d", bytes[invalid], invalid))
    }
}
