/// What the scanner found at a wanted path.
struct JSONSlot {
    enum Kind: UInt8 { case absent, null, `true`, `false`, number, string, object, array }

    var kind: Kind = .absent
    /// Token bytes: a number's text, or a string's content without the quotes.
    var start = 0
    var end = 0
    var number: Double = 0
    /// The string contains backslash escapes and must be decoded before use.
    var escaped = false
}

/// Why a payload is not JSON.
enum JSONScanError: Error {
    case malformed(offset: Int, message: String)
    case invalidUTF8(offset: Int)

    var reason: DeadLetterReason {
        switch self {
        case .malformed(let offset, let message): .malformedJSON(offset: offset, message: message)
        case .invalidUTF8(let offset): .invalidUTF8(offset: offset)
        }
    }
}

/// A single-pass JSON validator that also picks out the values at the paths of a `PathTrie`.
///
/// It never builds a document: the whole payload is checked (grammar, UTF-8 inside strings,
/// nesting depth) while only wanted values are recorded in `slots`, with numbers converted and
/// strings left as byte ranges.
struct JSONScanner {
    static let maxDepth = 64

    let bytes: UnsafeBufferPointer<UInt8>
    let trie: PathTrie
    let slots: UnsafeMutableBufferPointer<JSONSlot>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>, trie: PathTrie, slots: UnsafeMutableBufferPointer<JSONSlot>) {
        self.bytes = bytes
        self.trie = trie
        self.slots = slots
    }

    func resetSlots() {
        for index in slots.indices { slots[index] = JSONSlot() }
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    /// Whether the next significant byte is `byte` (consumed if so).
    @inline(__always)
    mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        if position < bytes.count && bytes[position] == byte {
            position += 1
            return true
        }
        return false
    }

    /// Fails unless only whitespace is left.
    mutating func expectEnd() throws(JSONScanError) {
        skipWhitespace()
        if position < bytes.count {
            throw .malformed(offset: position, message: "unexpected data after the JSON value")
        }
    }

    /// Scans one value; `node` is the trie node it sits at (-1 when no wanted path goes there).
    mutating func scanValue(node: Int32, depth: Int) throws(JSONScanError) -> JSONSlot.Kind {
        skipWhitespace()
        guard position < bytes.count else {
            throw .malformed(offset: position, message: "unexpected end of input, expected a value")
        }
        let slot = node >= 0 ? Int(trie.nodes[Int(node)].slot) : -1
        let start = position
        let kind: JSONSlot.Kind
        switch bytes[position] {
        case UInt8(ascii: "{"):
            guard depth < Self.maxDepth else {
                throw .malformed(offset: position, message: "nesting deeper than \(Self.maxDepth) levels")
            }
            try scanObject(node: node, depth: depth + 1)
            kind = .object
        case UInt8(ascii: "["):
            guard depth < Self.maxDepth else {
                throw .malformed(offset: position, message: "nesting deeper than \(Self.maxDepth) levels")
            }
            try scanArray(node: node, depth: depth + 1)
            kind = .array
        case UInt8(ascii: "\""):
            let (contentStart, contentEnd, escaped) = try scanString()
            if slot >= 0 {
                slots[slot] = JSONSlot(kind: .string, start: contentStart, end: contentEnd, number: 0, escaped: escaped)
            }
            return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            switch NumberParser.scan(bytes, from: position, convert: slot >= 0) {
            case .invalid(let offset):
                throw .malformed(offset: offset, message: "invalid number")
            case .number(let end, let value):
                position = end
                if slot >= 0 { slots[slot] = JSONSlot(kind: .number, start: start, end: end, number: value) }
            }
            return .number
        case UInt8(ascii: "t"):
            try scanLiteral("true")
            kind = .true
        case UInt8(ascii: "f"):
            try scanLiteral("false")
            kind = .false
        case UInt8(ascii: "n"):
            try scanLiteral("null")
            kind = .null
        default:
            throw .malformed(offset: position, message: "expected a value")
        }
        if slot >= 0 { slots[slot] = JSONSlot(kind: kind, start: start, end: position) }
        return kind
    }

    private mutating func scanObject(node: Int32, depth: Int) throws(JSONScanError) {
        position += 1
        if consume(UInt8(ascii: "}")) { return }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw .malformed(offset: position, message: position < bytes.count ? "expected a string key" : "unexpected end of input, expected a string key")
            }
            let (keyStart, keyEnd, escaped) = try scanString()
            var child: Int32 = -1
            if node >= 0 {
                if escaped {
                    let key = unescape(from: keyStart, to: keyEnd)
                    child = key.withUnsafeBufferPointer { trie.child(of: node, key: $0, from: 0, to: $0.count) } ?? -1
                } else {
                    child = trie.child(of: node, key: bytes, from: keyStart, to: keyEnd) ?? -1
                }
            }
            guard consume(UInt8(ascii: ":")) else {
                throw .malformed(offset: position, message: "expected ':'")
            }
            _ = try scanValue(node: child, depth: depth)
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "}")) { return }
            throw .malformed(offset: position, message: "expected ',' or '}'")
        }
    }

    private mutating func scanArray(node: Int32, depth: Int) throws(JSONScanError) {
        position += 1
        if consume(UInt8(ascii: "]")) { return }
        var index = 0
        while true {
            let child = node >= 0 ? trie.child(of: node, arrayIndex: index) ?? -1 : -1
            _ = try scanValue(node: child, depth: depth)
            index += 1
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "]")) { return }
            throw .malformed(offset: position, message: "expected ',' or ']'")
        }
    }

    private mutating func scanLiteral(_ literal: StaticString) throws(JSONScanError) {
        let length = literal.utf8CodeUnitCount
        let text = literal.utf8Start
        for offset in 0..<length {
            guard position + offset < bytes.count, bytes[position + offset] == text[offset] else {
                throw .malformed(offset: position + offset, message: "invalid literal, expected '\(literal)'")
            }
        }
        position += length
    }

    /// Scans a string starting at its opening quote; returns the content range and whether it
    /// has escapes. Checks escapes, control characters and UTF-8 well-formedness.
    mutating func scanString() throws(JSONScanError) -> (start: Int, end: Int, escaped: Bool) {
        position += 1
        let start = position
        var escaped = false
        let count = bytes.count
        while position < count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let end = position
                position += 1
                return (start, end, escaped)
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                try scanEscape()
            } else if byte < 0x20 {
                throw .malformed(offset: position, message: "control character in string")
            } else if byte < 0x80 {
                position += 1
            } else {
                try scanMultibyte()
            }
        }
        throw .malformed(offset: position, message: "unterminated string")
    }

    private mutating func scanEscape() throws(JSONScanError) {
        let escapeStart = position
        position += 1
        guard position < bytes.count else { throw .malformed(offset: position, message: "unterminated string") }
        switch bytes[position] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 1
        case UInt8(ascii: "u"):
            position += 1
            for _ in 0..<4 {
                guard position < bytes.count, Self.hexValue(bytes[position]) != nil else {
                    throw .malformed(offset: position, message: "invalid \\u escape, expected 4 hex digits")
                }
                position += 1
            }
        default:
            throw .malformed(offset: escapeStart, message: "invalid escape sequence")
        }
    }

    private mutating func scanMultibyte() throws(JSONScanError) {
        let length = Self.utf8SequenceLength(bytes, at: position)
        guard length > 0 else { throw .invalidUTF8(offset: position) }
        position += length
    }

    /// Length of the well-formed UTF-8 sequence at `position`, or 0 when it is ill-formed
    /// (Unicode Table 3-7: no overlongs, no surrogates, nothing past U+10FFFF).
    @inline(__always)
    static func utf8SequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> Int {
        let lead = bytes[position]
        if lead < 0x80 { return 1 }
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return 0
        }
        guard position + length <= bytes.count else { return 0 }
        let second = bytes[position + 1]
        guard second >= low && second <= high else { return 0 }
        var offset = 2
        while offset < length {
            if bytes[position + offset] & 0xC0 != 0x80 { return 0 }
            offset += 1
        }
        return length
    }

    /// Offset of the first ill-formed UTF-8 sequence in `bytes[start..<end]`, or nil.
    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        var position = start
        while position < end {
            let length = utf8SequenceLength(bytes, at: position)
            if length == 0 || position + length > end { return position }
            position += length
        }
        return nil
    }

    /// The decoded bytes of a string whose content has escapes (already validated).
    func unescape(from start: Int, to end: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(end - start)
        var index = start
        while index < end {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < end else {
                result.append(byte)
                index += 1
                continue
            }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): result.append(0x08)
            case UInt8(ascii: "f"): result.append(0x0C)
            case UInt8(ascii: "n"): result.append(0x0A)
            case UInt8(ascii: "r"): result.append(0x0D)
            case UInt8(ascii: "t"): result.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = readHex4(at: index)
                index += 4
                if (0xD800...0xDBFF).contains(scalar), index + 6 <= end,
                   bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                    let low = readHex4(at: index + 2)
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                }
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                result.append(contentsOf: character.utf8)
            default: result.append(escape)
            }
        }
        return result
    }

    private func readHex4(at index: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 where index + offset < bytes.count {
            value = value << 4 | UInt32(Self.hexValue(bytes[index + offset]) ?? 0)
        }
        return value
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A slot's string content as bytes (decoding escapes).
    func stringBytes(_ slot: JSONSlot) -> [UInt8] {
        slot.escaped ? unescape(from: slot.start, to: slot.end) : Array(bytes[slot.start..<slot.end])
    }

    /// A slot's string content as text.
    func string(_ slot: JSONSlot) -> String {
        if slot.escaped { return String(decoding: unescape(from: slot.start, to: slot.end), as: UTF8.self) }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[slot.start..<slot.end]), as: UTF8.self)
    }

    /// Whether a string slot's content equals `key`, without allocating for unescaped strings.
    func stringEquals(_ slot: JSONSlot, _ key: [UInt8]) -> Bool {
        if slot.escaped { return unescape(from: slot.start, to: slot.end) == key }
        guard slot.end - slot.start == key.count else { return false }
        var offset = 0
        while offset < key.count {
            if bytes[slot.start + offset] != key[offset] { return false }
            offset += 1
        }
        return true
    }

    /// A short human rendering of a slot for dead-letter messages.
    func describe(_ slot: JSONSlot) -> String {
        switch slot.kind {
        case .absent: "nothing"
        case .null: "null"
        case .true: "true"
        case .false: "false"
        case .object: "an object"
        case .array: "an array"
        case .number: String(decoding: UnsafeBufferPointer(rebasing: bytes[slot.start..<slot.end]), as: UTF8.self)
        case .string: "\"\(Self.truncated(string(slot)))\""
        }
    }

    static func truncated(_ text: String, limit: Int = 40) -> String {
        text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}
