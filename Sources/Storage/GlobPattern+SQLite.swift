import Telemetry

extension GlobPattern {
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
}
