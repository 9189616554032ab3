/// "Did you mean" for misspelt names in everything an operator writes: rule and catalog keys,
/// functions, metrics, device types, settings. One rule for all of them, so a typo is caught the
/// same way in `bridge.yaml`, `Devices/` and `Rules/`.
public enum Suggestion {
    /// The candidate nearest to `word`: by edit distance (case ignored, a swapped pair counts
    /// once) when close enough to be a typo (one edit for words of up to three characters, else
    /// a third of the word plus one, at least two); otherwise the shortest candidate that starts
    /// with `word` or that `word` starts with (three characters or more: `web` → `webhooks`).
    /// Ties go to the alphabetically first; `word` itself is never suggested.
    public static func nearest(to word: String, in candidates: some Sequence<String>) -> String? {
        let lowered = Array(word.lowercased().unicodeScalars)
        let limit = lowered.count <= 3 ? 1 : max(2, lowered.count / 3 + 1)
        var best: (name: String, distance: Int)?
        var completion: String?
        for candidate in candidates where candidate != word {
            let other = Array(candidate.lowercased().unicodeScalars)
            let distance = editDistance(lowered, other)
            if distance <= limit, best.map({ distance < $0.distance || (distance == $0.distance && candidate < $0.name) }) ?? true {
                best = (candidate, distance)
            }
            if min(lowered.count, other.count) >= 3, other.starts(with: lowered) || lowered.starts(with: other),
               completion.map({ candidate.count < $0.count || (candidate.count == $0.count && candidate < $0) }) ?? true {
                completion = candidate
            }
        }
        return best?.name ?? completion
    }

    /// `unknown key 'x' in context; did you mean 'y'?`, or the allowed keys when none is close.
    public static func unknownKeyMessage(_ key: String, allowed: [String], context: String) -> String {
        if let suggestion = nearest(to: key, in: allowed) {
            return "unknown key '\(key)' in \(context); did you mean '\(suggestion)'?"
        }
        return "unknown key '\(key)' in \(context); expected one of: \(allowed.joined(separator: ", "))"
    }

    /// Damerau-Levenshtein (optimal string alignment) distance.
    static func editDistance(_ x: [Unicode.Scalar], _ y: [Unicode.Scalar]) -> Int {
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous2 = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[y.count]
    }
}
