/// A shell-style pattern on device ids: `*` matches any run of characters (also empty), `?`
/// exactly one; everything else matches itself. Compared by Unicode scalars. The one glob every
/// filter uses (rules' `devices:`, export, replay, alert queries), so a pattern means the same
/// everywhere.
public struct GlobPattern: Sendable, Hashable {
    private let scalars: [Unicode.Scalar]
    public let isLiteral: Bool
    public let text: String

    public init(_ text: String) {
        self.text = text
        scalars = Array(text.unicodeScalars)
        isLiteral = !scalars.contains("*") && !scalars.contains("?")
    }

    public func matches(_ candidate: String) -> Bool {
        if isLiteral { return candidate == text }
        let subject = Array(candidate.unicodeScalars)
        // Iterative matcher with single-star backtracking: O(pattern x subject) worst case.
        var p = 0, s = 0
        var starP = -1, starS = 0
        while s < subject.count {
            if p < scalars.count, scalars[p] == "?" || (scalars[p] != "*" && scalars[p] == subject[s]) {
                p += 1
                s += 1
            } else if p < scalars.count, scalars[p] == "*" {
                starP = p
                starS = s
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starS += 1
                s = starS
            } else {
                return false
            }
        }
        while p < scalars.count, scalars[p] == "*" { p += 1 }
        return p == scalars.count
    }
}
