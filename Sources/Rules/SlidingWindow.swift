/// The samples of one metric of one device over the last `duration` of event time, with running
/// aggregates so every `WindowFunction` is O(1) and appending is O(1) amortised.
///
/// The window covers `(now - duration, now]`. Samples live in a power-of-two ring that holds only
/// samples still inside the window, so memory is bounded by the window. Sums are compensated and
/// shifted by a value from the window (reset whenever it empties) so the variance does not suffer
/// catastrophic cancellation; min and max use monotonic deques of sample sequence numbers.
struct SlidingWindow {
    let duration: Int64
    private(set) var features: WindowFeatures

    private struct Sample {
        var time: Int64
        var value: Double
    }

    /// Time and value side by side: one cache line serves both.
    private var ring: [Sample] = []
    private var mask = -1
    /// Sequence numbers: the ring holds samples `head..<tail`.
    private var head = 0
    private var tail = 0

    private var sum = CompensatedSum()
    private var shift = 0.0
    private var shiftedSum = CompensatedSum()
    private var shiftedSquares = CompensatedSum()

    private var minQueue: [Int] = []
    private var minHead = 0
    private var minTail = 0
    private var maxQueue: [Int] = []
    private var maxHead = 0
    private var maxTail = 0

    init(duration: Int64, features: WindowFeatures) {
        self.duration = duration
        self.features = features
    }

    var count: Int { tail - head }

    /// Adds a sample; `time` must not be earlier than the previous sample's. Evicts what `time`
    /// pushes out of the window first, so the ring never outgrows the window.
    @inline(__always)
    mutating func append(time: Int64, value: Double) {
        evict(now: time)
        if tail - head == mask + 1 { grow() }
        ring[tail & mask] = Sample(time: time, value: value)
        if features.contains(.moments) { addMoments(value) }
        if features.contains(.minimum) {
            while minTail > minHead, ring[minQueue[(minTail - 1) & mask] & mask].value >= value { minTail -= 1 }
            minQueue[minTail & mask] = tail
            minTail += 1
        }
        if features.contains(.maximum) {
            while maxTail > maxHead, ring[maxQueue[(maxTail - 1) & mask] & mask].value <= value { maxTail -= 1 }
            maxQueue[maxTail & mask] = tail
            maxTail += 1
        }
        tail += 1
    }

    /// Drops samples at or before `now - duration`.
    @inline(__always)
    mutating func evict(now: Int64) {
        let cutoff = now &- duration
        guard head < tail, ring[head & mask].time <= cutoff else { return }
        repeat {
            if features.contains(.moments) { removeMoments(ring[head & mask].value) }
            head += 1
        } while head < tail && ring[head & mask].time <= cutoff
        if head == tail { resetMoments() }
        while minHead < minTail, minQueue[minHead & mask] < head { minHead += 1 }
        while maxHead < maxTail, maxQueue[maxHead & mask] < head { maxHead += 1 }
    }

    /// Evicts what `now` pushes out, then evaluates; mutating so it runs in place in an array.
    @inline(__always)
    mutating func value(of function: WindowFunction, now: Int64) -> Double {
        evict(now: now)
        return evaluate(function)
    }

    func evaluate(_ function: WindowFunction) -> Double {
        let n = tail - head
        switch function {
        case .count:
            return Double(n)
        case .sum:
            return n == 0 ? 0 : sum.value
        case .average:
            return n == 0 ? .nan : sum.value / Double(n)
        case .standardDeviation:
            guard n > 0 else { return .nan }
            let mean = shiftedSum.value / Double(n)
            let variance = shiftedSquares.value / Double(n) - mean * mean
            return variance > 0 ? variance.squareRoot() : 0
        case .minimum:
            return minHead < minTail ? ring[minQueue[minHead & mask] & mask].value : .nan
        case .maximum:
            return maxHead < maxTail ? ring[maxQueue[maxHead & mask] & mask].value : .nan
        case .delta:
            return n < 2 ? .nan : ring[(tail - 1) & mask].value - ring[head & mask].value
        case .rate:
            guard n >= 2 else { return .nan }
            let last = ring[(tail - 1) & mask], first = ring[head & mask]
            return (last.value - first.value) / (Double(last.time - first.time) / 1000)
        }
    }

    /// Turns on more running state, rebuilt once from the samples already in the window (used when
    /// a reloaded rule set needs an aggregate this window did not keep).
    mutating func enable(_ more: WindowFeatures) {
        let added = more.subtracting(features)
        guard !added.isEmpty else { return }
        let samples = (head..<tail).map { (ring[$0 & mask].time, ring[$0 & mask].value) }
        features.formUnion(more)
        let capacity = mask + 1
        if features.contains(.minimum), minQueue.count != capacity { minQueue = [Int](repeating: 0, count: capacity) }
        if features.contains(.maximum), maxQueue.count != capacity { maxQueue = [Int](repeating: 0, count: capacity) }
        head = 0
        tail = 0
        minHead = 0; minTail = 0; maxHead = 0; maxTail = 0
        resetMoments()
        for (time, value) in samples { append(time: time, value: value) }
    }

    /// The samples in the window, oldest first (for tests and diagnostics).
    var samples: [(time: Int64, value: Double)] {
        (head..<tail).map { (ring[$0 & mask].time, ring[$0 & mask].value) }
    }

    @inline(__always)
    private mutating func addMoments(_ value: Double) {
        if head == tail {
            resetMoments()
            shift = value
        }
        sum.add(value)
        let shifted = value - shift
        shiftedSum.add(shifted)
        shiftedSquares.add(shifted * shifted)
    }

    @inline(__always)
    private mutating func removeMoments(_ value: Double) {
        sum.add(-value)
        let shifted = value - shift
        shiftedSum.add(-shifted)
        shiftedSquares.add(-(shifted * shifted))
    }

    private mutating func resetMoments() {
        sum.reset()
        shiftedSum.reset()
        shiftedSquares.reset()
    }

    private mutating func grow() {
        let oldMask = mask
        let capacity = max(4, (mask + 1) * 2)
        let newMask = capacity - 1
        var newRing = [Sample](repeating: Sample(time: 0, value: 0), count: capacity)
        for seq in head..<tail { newRing[seq & newMask] = ring[seq & oldMask] }
        ring = newRing
        if features.contains(.minimum) {
            var queue = [Int](repeating: 0, count: capacity)
            for index in minHead..<minTail { queue[index & newMask] = minQueue[index & oldMask] }
            minQueue = queue
        }
        if features.contains(.maximum) {
            var queue = [Int](repeating: 0, count: capacity)
            for index in maxHead..<maxTail { queue[index & newMask] = maxQueue[index & oldMask] }
            maxQueue = queue
        }
        mask = newMask
    }
}
