/// A shell-style pattern on device ids: `*` matches any run of characters (also empty), `?`
/// exactly one; everything else matches itself. Compared by Unicode scalars.
struct GlobPattern: Sendable {
    private let scalars: [Unicode.Scalar]
    let isLiteral: Bool
    let text: String

    init(_ text: String) {
        self.text = text
        scalars = Array(text.unicodeScalars)
        isLiteral = !scalars.contains("*") && !scalars.contains("?")
    }

    /// The same pattern for SQLite's `GLOB`, which also treats `[` as special (and nothing else
    /// we do not): `[` becomes the one-character class `[[]`.
    var sqliteGlob: String {
        guard text.contains("[") else { return text }
        var result = ""
        for character in text.unicodeScalars {
            if character == "[" { result += "[[]" } else { result.unicodeScalars.append(character) }
        }
        return result
    }

    func matches(_ candidate: String) -> Bool {
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
