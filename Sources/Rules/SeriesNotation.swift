/// promtool's expanding notation for test input: `"20 21 35x5 _ 1+2x3 10-1x2 _x2"`.
///
/// - `a` one sample; `_` one missing sample.
/// - `axN`: `a` then N more copies (N + 1 samples); `a+bxN` / `a-bxN`: `a` then N steps of `b`.
/// - `_xN`: N missing samples.
enum SeriesNotation {
    struct Failure: Error, Equatable {
        var offset: Int
        var length: Int
        var message: String
    }

    /// One entry per sample slot; nil for a missing sample.
    static func expand(_ text: String) throws(Failure) -> [Double?] {
        var result: [Double?] = []
        var offset = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            defer { offset += word.unicodeScalars.count + 1 }
            guard !word.isEmpty else { continue }
            let length = word.unicodeScalars.count
            let fail = { (message: String) in Failure(offset: offset, length: length, message: message) }
            if word == "_" {
                result.append(nil)
                continue
            }
            let parts = word.split(separator: "x", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 1 {
                guard let value = Double(word), value.isFinite else { throw fail("'\(word)' is not a number, '_' or 'axN'") }
                result.append(value)
                continue
            }
            guard let count = Int(parts[1]), count >= 0 else { throw fail("'\(word)': the count after 'x' must be a whole number") }
            let head = parts[0]
            if head == "_" {
                result += [Double?](repeating: nil, count: count)
                continue
            }
            // Split `a+b` / `a-b` at a sign that is not the leading one nor an exponent's.
            var split: String.Index?
            var index = head.index(after: head.startIndex)
            while index < head.endIndex {
                let c = head[index]
                let previous = head[head.index(before: index)]
                if (c == "+" || c == "-") && previous != "e" && previous != "E" {
                    split = index
                    break
                }
                index = head.index(after: index)
            }
            let startText = split.map { head[..<$0] } ?? head[...]
            let stepText = split.map { head[$0...] } ?? "+0"
            guard let start = Double(startText), let step = Double(stepText.hasPrefix("+") ? String(stepText.dropFirst()) : String(stepText)),
                  start.isFinite, step.isFinite
            else { throw fail("'\(word)' is not 'axN', 'a+bxN' or 'a-bxN'") }
            for i in 0...count { result.append(start + Double(i) * step) }
        }
        return result
    }
}
