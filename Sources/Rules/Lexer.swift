/// Splits an expression into tokens. Works on Unicode scalars so offsets match the columns the
/// YAML parser reports.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    static func tokenize(_ text: String) throws(ExpressionError) -> [Token] {
        var lexer = Lexer(text)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        position + offset < scalars.count ? scalars[position + offset] : nil
    }

    private static func isDigit(_ s: Unicode.Scalar?) -> Bool {
        guard let s else { return false }
        return s >= "0" && s <= "9"
    }

    /// A whole name as expressions spell one (`max_temp`, `_x1`): what `attr.` and `$` take.
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, isIdentifierStart(first) else { return false }
        return text.unicodeScalars.allSatisfy { isIdentifierPart($0) }
    }

    static func isIdentifierStart(_ s: Unicode.Scalar?) -> Bool {
        guard let s else { return false }
        return (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || s == "_"
    }

    static func isIdentifierPart(_ s: Unicode.Scalar?) -> Bool {
        isIdentifierStart(s) || isDigit(s)
    }

    mutating func next() throws(ExpressionError) -> Token {
        while let s = peek(), s == " " || s == "\t" || s == "\n" || s == "\r" { position += 1 }
        let start = position
        guard let s = peek() else { return Token(kind: .end, start: start, end: start) }

        func token(_ kind: Token.Kind, _ length: Int) -> Token {
            position += length
            return Token(kind: kind, start: start, end: start + length)
        }

        switch s {
        case "$" where Self.isIdentifierStart(peek(1)):
            // `$threshold`: a rule parameter, one identifier.
            position += 1
            while Self.isIdentifierPart(peek()) { position += 1 }
            var name = ""
            name.unicodeScalars.append(contentsOf: scalars[start..<position])
            return Token(kind: .identifier(name), start: start, end: position)
        case "+": return token(.plus, 1)
        case "-": return token(.minus, 1)
        case "*": return token(.star, 1)
        case "/": return token(.slash, 1)
        case "%": return token(.percent, 1)
        case "(": return token(.leftParen, 1)
        case ")": return token(.rightParen, 1)
        case ",": return token(.comma, 1)
        case "<": return peek(1) == "=" ? token(.lessEqual, 2) : token(.less, 1)
        case ">": return peek(1) == "=" ? token(.greaterEqual, 2) : token(.greater, 1)
        case "=":
            if peek(1) == "=" { return token(.equal, 2) }
            throw ExpressionError(offset: start, "'=' is not an operator; use '==' to compare")
        case "!":
            if peek(1) == "=" { return token(.notEqual, 2) }
            throw ExpressionError(offset: start, "'!' is not an operator; use 'not' to negate")
        case "&":
            throw ExpressionError(offset: start, length: peek(1) == "&" ? 2 : 1, "use 'and' instead of '&&'")
        case "|":
            throw ExpressionError(offset: start, length: peek(1) == "|" ? 2 : 1, "use 'or' instead of '||'")
        case "\"", "'":
            return try string(quote: s)
        default:
            if Self.isDigit(s) || (s == "." && Self.isDigit(peek(1))) { return try number() }
            if Self.isIdentifierStart(s) { return identifier() }
            throw ExpressionError(offset: start, "unexpected character '\(s)'")
        }
    }

    private mutating func identifier() -> Token {
        let start = position
        while Self.isIdentifierPart(peek()) { position += 1 }
        // `attr.max_temp`: a device attribute, one identifier.
        if position - start == 4, scalars[start..<position].elementsEqual("attr".unicodeScalars), peek() == ".",
           Self.isIdentifierStart(peek(1)) {
            position += 1
            while Self.isIdentifierPart(peek()) { position += 1 }
        }
        var name = ""
        name.unicodeScalars.append(contentsOf: scalars[start..<position])
        let kind: Token.Kind = switch name {
        case "and": .and
        case "or": .or
        case "not": .not
        case "true": .true
        case "false": .false
        default: .identifier(name)
        }
        return Token(kind: kind, start: start, end: position)
    }

    private mutating func digits() {
        while Self.isDigit(peek()) { position += 1 }
    }

    private mutating func number() throws(ExpressionError) -> Token {
        let start = position
        digits()
        var isInteger = true
        if peek() == ".", Self.isDigit(peek(1)) {
            isInteger = false
            position += 1
            digits()
        }
        if peek() == "e" || peek() == "E" {
            let sign = peek(1) == "+" || peek(1) == "-" ? 1 : 0
            if Self.isDigit(peek(1 + sign)) {
                isInteger = false
                position += 1 + sign
                digits()
            }
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars[start..<position])
        if Self.isIdentifierStart(peek()) {
            return try duration(start: start, firstAmount: text, isInteger: isInteger)
        }
        guard let value = Double(text), value.isFinite else {
            throw ExpressionError(offset: start, length: position - start, "number '\(text)' is out of range")
        }
        return Token(kind: .number(value), start: start, end: position)
    }

    /// `5m`, `250ms`, `1h30m`: whole numbers, each followed by a unit.
    private mutating func duration(start: Int, firstAmount: String, isInteger: Bool) throws(ExpressionError) -> Token {
        var total: Int64 = 0
        var amountText = firstAmount
        var amountIsInteger = isInteger
        var amountStart = start
        while true {
            let unitStart = position
            while Self.isIdentifierPart(peek()), !Self.isDigit(peek()) { position += 1 }
            var unit = ""
            unit.unicodeScalars.append(contentsOf: scalars[unitStart..<position])
            let size: Int64
            switch unit {
            case "ms": size = 1
            case "s": size = 1_000
            case "m": size = 60_000
            case "h": size = 3_600_000
            case "d": size = 86_400_000
            case "w": size = 604_800_000
            default:
                throw ExpressionError(
                    offset: unitStart, length: position - unitStart,
                    "unknown duration unit '\(unit)' (use ms, s, m, h, d or w)")
            }
            guard amountIsInteger, let amount = Int64(amountText) else {
                throw ExpressionError(
                    offset: amountStart, length: position - amountStart,
                    "durations take whole numbers; write '\(amountText)\(unit)' in a smaller unit")
            }
            let (product, overflow1) = amount.multipliedReportingOverflow(by: size)
            let (sum, overflow2) = total.addingReportingOverflow(product)
            guard !overflow1, !overflow2 else {
                throw ExpressionError(offset: start, length: position - start, "duration is too long")
            }
            total = sum
            guard Self.isDigit(peek()) else { break }
            amountStart = position
            digits()
            amountText = ""
            amountText.unicodeScalars.append(contentsOf: scalars[amountStart..<position])
            amountIsInteger = true
            if peek() == "." {
                throw ExpressionError(offset: position, "durations take whole numbers")
            }
            guard Self.isIdentifierStart(peek()) else {
                throw ExpressionError(offset: amountStart, length: position - amountStart, "missing duration unit after '\(amountText)'")
            }
        }
        if Self.isIdentifierPart(peek()) {
            throw ExpressionError(offset: position, "unexpected character '\(scalars[position])' after duration")
        }
        return Token(kind: .duration(total), start: start, end: position)
    }

    private mutating func string(quote: Unicode.Scalar) throws(ExpressionError) -> Token {
        let start = position
        position += 1
        var text = ""
        while let s = peek() {
            position += 1
            if s == quote { return Token(kind: .string(text), start: start, end: position) }
            if s == "\\" {
                guard let escaped = peek() else { break }
                position += 1
                switch escaped {
                case "n": text.unicodeScalars.append("\n")
                case "t": text.unicodeScalars.append("\t")
                case "\\", "\"", "'": text.unicodeScalars.append(escaped)
                default:
                    throw ExpressionError(offset: position - 2, length: 2, "unknown escape '\\\(escaped)' in string")
                }
            } else {
                text.unicodeScalars.append(s)
            }
        }
        throw ExpressionError(offset: start, length: position - start, "unterminated string")
    }
}
