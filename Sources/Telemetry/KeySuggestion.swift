/// "Did you mean" hints for misspelt keys in operator-edited files.
enum KeySuggestion {
    /// The allowed key closest to `key`, when it is close enough to be a plausible typo.
    static func closest(to key: String, in allowed: [String]) -> String? {
        let lowered = key.lowercased()
        var best: (key: String, distance: Int)?
        for candidate in allowed {
            let distance = editDistance(Array(lowered.utf8), Array(candidate.utf8))
            let prefixRelated = min(lowered.count, candidate.count) >= 3
                && (lowered.hasPrefix(candidate) || candidate.hasPrefix(lowered))
            let limit = candidate.count <= 3 ? 1 : 2
            guard distance <= limit || prefixRelated else { continue }
            if best == nil || distance < best?.distance ?? .max { best = (candidate, distance) }
        }
        return best?.key
    }

    /// The message for an unknown key: a suggestion when one is close, the allowed keys otherwise.
    static func unknownKeyMessage(_ key: String, allowed: [String], context: String) -> String {
        if let suggestion = closest(to: key, in: allowed) {
            return "unknown key '\(key)' in \(context); did you mean '\(suggestion)'?"
        }
        return "unknown key '\(key)' in \(context); expected one of: \(allowed.joined(separator: ", "))"
    }

    /// Levenshtein distance.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = Swift.min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
