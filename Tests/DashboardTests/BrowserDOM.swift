/// A serialized DOM (chromium's `--dump-dom`) scanned into its start tags, enough to assert on
/// elements by tag, class and attributes, and on the markup between a start tag and its end.
struct BrowserDOM {
    struct Element {
        var name: String
        var attributes: [String: String]
        /// Offsets of the start tag in ``BrowserDOM/html``'s UTF-8 bytes.
        var start: Int
        var end: Int

        var classes: Set<String> { Set((attributes["class"] ?? "").split(separator: " ").map(String.init)) }
        func hasClass(_ name: String) -> Bool { classes.contains(name) }
        subscript(_ attribute: String) -> String? { attributes[attribute] }
    }

    let html: String
    let bytes: [UInt8]
    let elements: [Element]

    init(_ html: String) {
        self.html = html
        bytes = Array(html.utf8)
        elements = Self.scan(bytes)
    }

    /// Elements named `name` (any if nil) having every class in `classes` and every attribute in
    /// `attributes` with that exact value.
    func all(_ name: String? = nil, classes: Set<String> = [], attributes: [String: String] = [:], within scope: Element? = nil) -> [Element] {
        let range = scope.map { $0.start..<closingOffset(of: $0) } ?? 0..<bytes.count
        return elements.filter { element in
            range.contains(element.start)
                && (name == nil || element.name == name)
                && classes.isSubset(of: element.classes)
                && attributes.allSatisfy { element.attributes[$0.key] == $0.value }
        }
    }

    func first(_ name: String? = nil, classes: Set<String> = [], attributes: [String: String] = [:], within scope: Element? = nil) -> Element? {
        all(name, classes: classes, attributes: attributes, within: scope).first
    }

    /// The text of the markup between `element`'s start tag and its matching end tag, tags removed.
    func text(of element: Element) -> String {
        let inner = Array(bytes[element.end..<closingOffset(of: element)])
        var text: [UInt8] = []
        var inTag = false
        for byte in inner {
            if byte == UInt8(ascii: "<") { inTag = true } else if byte == UInt8(ascii: ">") { inTag = false } else if !inTag { text.append(byte) }
        }
        return Self.unescape(String(decoding: text, as: UTF8.self))
    }

    /// Where `element` ends: the offset of its matching end tag (same-name nesting counted).
    func closingOffset(of element: Element) -> Int {
        var depth = 1
        let open = Array("<\(element.name)".utf8)
        let close = Array("</\(element.name)>".utf8)
        var index = element.end
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "<") {
                if Self.matches(bytes, at: index, close) {
                    depth -= 1
                    if depth == 0 { return index }
                    index += close.count
                    continue
                }
                if Self.matches(bytes, at: index, open), index + open.count < bytes.count,
                   [UInt8(ascii: " "), UInt8(ascii: ">"), UInt8(ascii: "/")].contains(bytes[index + open.count]) {
                    depth += 1
                }
            }
            index += 1
        }
        return bytes.count
    }

    private static func matches(_ bytes: [UInt8], at index: Int, _ pattern: [UInt8]) -> Bool {
        index + pattern.count <= bytes.count && Array(bytes[index..<index + pattern.count]) == pattern
    }

    private static func scan(_ bytes: [UInt8]) -> [Element] {
        var elements: [Element] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count, isNameByte(bytes[index + 1]) else {
                index += 1
                continue
            }
            let start = index
            index += 1
            let nameStart = index
            while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
            var attributes: [String: String] = [:]
            while index < bytes.count, bytes[index] != UInt8(ascii: ">") {
                if isSpace(bytes[index]) || bytes[index] == UInt8(ascii: "/") {
                    index += 1
                    continue
                }
                let keyStart = index
                while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: ">") { index += 1 }
                let key = String(decoding: bytes[keyStart..<index], as: UTF8.self).lowercased()
                var value = ""
                if index < bytes.count, bytes[index] == UInt8(ascii: "=") {
                    index += 1
                    if index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                        let quote = bytes[index]
                        index += 1
                        let valueStart = index
                        while index < bytes.count, bytes[index] != quote { index += 1 }
                        value = String(decoding: bytes[valueStart..<index], as: UTF8.self)
                        index += 1
                    } else {
                        let valueStart = index
                        while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">") { index += 1 }
                        value = String(decoding: bytes[valueStart..<index], as: UTF8.self)
                    }
                }
                attributes[key] = unescape(value)
            }
            index += 1
            elements.append(Element(name: name, attributes: attributes, start: start, end: min(index, bytes.count)))
        }
        return elements
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&nbsp;", with: "\u{00A0}").replacingOccurrences(of: "&amp;", with: "&")
    }
}
