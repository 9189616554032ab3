/// "Did you mean" suggestions for misspelt names (settings, keys).
enum Suggestion {
    /// The candidate closest to `word` by edit distance, when it is close enough to be a typo;
    /// otherwise the shortest candidate `word` (three letters or more) is the start of.
    static func nearest<S: Sequence>(to word: String, in candidates: S) -> String? where S.Element == String {
        var best: (name: String, distance: Int)?
        var completion: String?
        for candidate in candidates {
            if word.utf8.count >= 3, candidate.hasPrefix(word),
               completion.map({ candidate.utf8.count < $0.utf8.count || (candidate.utf8.count == $0.utf8.count && candidate < $0) }) ?? true {
                completion = candidate
            }
            let distance = editDistance(Array(word.utf8), Array(candidate.utf8))
            if distance <= max(2, candidate.utf8.count / 3), distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.name ?? completion
    }

    private static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...max(b.count, 1) where j <= b.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
