/// Neumaier-compensated running sum: adding and later subtracting the same terms over a long
/// stream keeps the error at a few ulps of the true sum instead of growing with the stream.
struct CompensatedSum {
    private var sum = 0.0
    private var compensation = 0.0

    var value: Double { sum + compensation }

    @inline(__always)
    mutating func add(_ x: Double) {
        let t = sum + x
        if abs(sum) >= abs(x) {
            compensation += (sum - t) + x
        } else {
            compensation += (x - t) + sum
        }
        sum = t
    }

    mutating func reset() {
        sum = 0
        compensation = 0
    }
}
