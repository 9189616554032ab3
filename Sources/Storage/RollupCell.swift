/// A running count/sum/min/max, merged from readings or from finer cells.
struct RollupCell {
    var count: Int64
    var sum: Double
    var min: Double
    var max: Double

    init(_ value: Double) {
        count = 1
        sum = value
        min = value
        max = value
    }

    init(count: Int64, sum: Double, min: Double, max: Double) {
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
    }

    @inline(__always)
    mutating func add(_ value: Double) {
        count += 1
        sum += value
        if value < min { min = value }
        if value > max { max = value }
    }

    @inline(__always)
    mutating func merge(_ other: RollupCell) {
        count += other.count
        sum += other.sum
        if other.min < min { min = other.min }
        if other.max > max { max = other.max }
    }

    func bucket(start: Int64) -> RollupBucket {
        RollupBucket(start: start, count: Int(count), min: min, max: max, avg: sum / Double(count))
    }
}
