/// Pratt parser for rule expressions.
///
/// Precedence, loosest first: `or`, `and`, `not`, comparisons (non-associative), `+ -`,
/// `* / %`, unary `-`, calls and parentheses.
///
/// Rule files come from operators and from file watchers that may see half-written files, so the
/// parser refuses what would exhaust the stack of any recursive walk later: text longer than
/// ``maximumLength`` scalars and trees deeper than ``maximumDepth`` (nesting and long operator
/// chains alike), each with the position where the limit was crossed.
struct Parser {
    /// Longest expression, in Unicode scalars.
    static let maximumLength = 10_000
    /// Deepest expression tree: parentheses, unary operators, calls and operator chains.
    static let maximumDepth = 100

    private let tokens: [Token]
    private var index = 0
    /// Nesting of `expression(minimumPrecedence:)` calls under way.
    private var depth = 0

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    static func parse(_ text: String) throws(ExpressionError) -> Expression {
        if text.unicodeScalars.count > maximumLength {
            throw ExpressionError(offset: maximumLength, "expression longer than \(maximumLength) characters")
        }
        let tokens = try Lexer.tokenize(text)
        var parser = Parser(tokens: tokens)
        if parser.current.kind == .end {
            throw ExpressionError(offset: 0, "empty expression")
        }
        let expression = try parser.expression(minimumPrecedence: 0)
        guard parser.current.kind == .end else {
            let token = parser.current
            throw ExpressionError(offset: token.start, length: token.length, "unexpected '\(token.spelling)' after a complete expression")
        }
        return expression
    }

    private var current: Token { tokens[min(index, tokens.count - 1)] }

    private mutating func advance() -> Token {
        let token = current
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private static func binaryOperator(_ kind: Token.Kind) -> (Expression.BinaryOperator, Int)? {
        switch kind {
        case .or: (.or, 1)
        case .and: (.and, 2)
        case .less: (.less, 4)
        case .lessEqual: (.lessEqual, 4)
        case .greater: (.greater, 4)
        case .greaterEqual: (.greaterEqual, 4)
        case .equal: (.equal, 4)
        case .notEqual: (.notEqual, 4)
        case .plus: (.add, 5)
        case .minus: (.subtract, 5)
        case .star: (.multiply, 6)
        case .slash: (.divide, 6)
        case .percent: (.remainder, 6)
        default: nil
        }
    }

    private mutating func expression(minimumPrecedence: Int) throws(ExpressionError) -> Expression {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth { throw tooDeep(at: current) }
        var lhs = try prefix()
        while let (op, precedence) = Self.binaryOperator(current.kind), precedence > minimumPrecedence {
            let operatorToken = advance()
            let rhs = try expression(minimumPrecedence: precedence)
            if op.isComparison, case .binary(let inner, _, _) = lhs.kind, inner.isComparison, lhs.end <= operatorToken.start,
               !isParenthesised(lhs) {
                throw ExpressionError(
                    offset: operatorToken.start, length: operatorToken.length,
                    "comparisons cannot be chained; combine them with 'and'")
            }
            lhs = Expression(kind: .binary(op, lhs, rhs), start: lhs.start, end: rhs.end)
            if lhs.height > Self.maximumDepth { throw tooDeep(at: operatorToken) }
        }
        return lhs
    }

    private func tooDeep(at token: Token) -> ExpressionError {
        ExpressionError(offset: token.start, length: token.length,
                        "expression nested deeper than \(Self.maximumDepth) levels; split it into simpler rules")
    }

    private func isParenthesised(_ expression: Expression) -> Bool {
        // The parser widens a parenthesised node's range to its parentheses.
        tokens.contains { $0.kind == .leftParen && $0.start == expression.start }
    }

    private mutating func prefix() throws(ExpressionError) -> Expression {
        let token = advance()
        switch token.kind {
        case .number(let value):
            return Expression(kind: .number(value), start: token.start, end: token.end)
        case .duration(let ms):
            return Expression(kind: .duration(ms), start: token.start, end: token.end)
        case .string(let text):
            return Expression(kind: .string(text), start: token.start, end: token.end)
        case .true:
            return Expression(kind: .bool(true), start: token.start, end: token.end)
        case .false:
            return Expression(kind: .bool(false), start: token.start, end: token.end)
        case .minus:
            let operand = try expression(minimumPrecedence: 6)
            return Expression(kind: .unary(.negate, operand), start: token.start, end: operand.end)
        case .not:
            let operand = try expression(minimumPrecedence: 2)
            return Expression(kind: .unary(.not, operand), start: token.start, end: operand.end)
        case .leftParen:
            var inner = try expression(minimumPrecedence: 0)
            let close = current
            guard close.kind == .rightParen else {
                throw ExpressionError(offset: close.start, length: close.length, "expected ')' to close '(', found '\(close.spelling)'")
            }
            _ = advance()
            inner.start = token.start
            inner.end = close.end
            return inner
        case .identifier(let name):
            guard current.kind == .leftParen else {
                return Expression(kind: .identifier(name), start: token.start, end: token.end)
            }
            _ = advance()
            var arguments: [Expression] = []
            if current.kind != .rightParen {
                while true {
                    arguments.append(try expression(minimumPrecedence: 0))
                    if current.kind == .comma {
                        _ = advance()
                        continue
                    }
                    break
                }
            }
            let close = current
            guard close.kind == .rightParen else {
                throw ExpressionError(offset: close.start, length: close.length, "expected ',' or ')' in call to '\(name)', found '\(close.spelling)'")
            }
            _ = advance()
            return Expression(kind: .call(name, arguments, nameEnd: token.end), start: token.start, end: close.end)
        case .end:
            throw ExpressionError(offset: token.start, "expression ends too early")
        default:
            throw ExpressionError(offset: token.start, length: token.length, "expected a value, found '\(token.spelling)'")
        }
    }
}
