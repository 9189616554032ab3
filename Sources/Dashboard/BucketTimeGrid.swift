import Telemetry

/// The starts of a sparkline grid (`width` ms buckets from T's own back over `range`), each
/// formatted once as a quoted ISO 8601 time: thousands of series share them.
struct BucketTimeGrid {
    private let top: Int64
    private let width: Int64
    /// Quoted times, newest (T's bucket) first, each `stride` bytes.
    private var text: [UInt8] = []
    private var stride = 0
    private(set) var count = 0

    init(at: Int64, width: Int64, range: Int64) {
        self.width = width
        let (floored, overflow) = at.subtractingReportingOverflow(((at % width) + width) % width)
        top = overflow ? at : floored
        var start = top
        var formatted: [[UInt8]] = []
        for _ in 0...Int(range / width) {
            var bytes: [UInt8] = [UInt8(ascii: "\"")]
            ISO8601Timestamp.append(start, to: &bytes)
            bytes.append(UInt8(ascii: "\""))
            formatted.append(bytes)
            let (previous, overflow) = start.subtractingReportingOverflow(width)
            if overflow { break }
            start = previous
        }
        // A grid of equal-width texts (always, in practice) is a flat table; otherwise none.
        guard let first = formatted.first, formatted.allSatisfy({ $0.count == first.count }) else { return }
        stride = first.count
        count = formatted.count
        text = formatted.flatMap { $0 }
    }

    /// Appends the formatted `start` when it is on the grid; false (nothing appended) otherwise.
    @inline(__always)
    func append(_ start: Int64, to bytes: inout [UInt8]) -> Bool {
        guard start <= top else { return false }
        let (distance, overflow) = top.subtractingReportingOverflow(start)
        guard !overflow, distance % width == 0 else { return false }
        let index = distance / width
        guard index < Int64(count) else { return false }
        let offset = Int(index) * stride
        text.withUnsafeBufferPointer { bytes.append(contentsOf: $0[offset..<offset + stride]) }
        return true
    }
}
