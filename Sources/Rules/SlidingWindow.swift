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

    /// Ring position `i` holds the sample with sequence number `≡ i`, and the min and max deques'
    /// entries at position `i`: one allocation, so a reading touches one array header rather than
    /// three, and deque entries near the tail share cache lines with the newest samples.
    private struct Slot {
        var time: Int64
        var value: Double
        var minSequence: Int
        var maxSequence: Int
    }

    private var ring: [Slot] = []
    private var mask = -1
    /// Sequence numbers: the ring holds samples `head..<tail`.
    private var head = 0
    private var tail = 0

    private var sum = CompensatedSum()
    private var shift = 0.0
    private var shiftedSum = CompensatedSum()
    private var shiftedSquares = CompensatedSum()

    /// The values at the deques' heads (the window's min and max), kept here so evaluating
    /// them reads no sample: the deque head's sample is usually a cache miss away.
    private var minValue = Double.nan
    private var maxValue = Double.nan
    private var minHead = 0
    private var minTail = 0
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
        ring[tail & mask].time = time
        ring[tail & mask].value = value
        if features.contains(.moments) { addMoments(value) }
        if features.contains(.minimum) {
            while minTail > minHead, ring[ring[(minTail - 1) & mask].minSequence & mask].value >= value { minTail -= 1 }
            ring[minTail & mask].minSequence = tail
            minTail += 1
            if minTail - minHead == 1 { minValue = value }
        }
        if features.contains(.maximum) {
            while maxTail > maxHead, ring[ring[(maxTail - 1) & mask].maxSequence & mask].value <= value { maxTail -= 1 }
            ring[maxTail & mask].maxSequence = tail
            maxTail += 1
            if maxTail - maxHead == 1 { maxValue = value }
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
        if minHead < minTail, ring[minHead & mask].minSequence < head {
            repeat { minHead += 1 } while minHead < minTail && ring[minHead & mask].minSequence < head
            minValue = minHead < minTail ? ring[ring[minHead & mask].minSequence & mask].value : .nan
        }
        if maxHead < maxTail, ring[maxHead & mask].maxSequence < head {
            repeat { maxHead += 1 } while maxHead < maxTail && ring[maxHead & mask].maxSequence < head
            maxValue = maxHead < maxTail ? ring[ring[maxHead & mask].maxSequence & mask].value : .nan
        }
    }

    /// Evicts what `now` pushes out, then evaluates; mutating so it runs in place in an array.
    @inline(__always)
    mutating func value(of function: WindowFunction, now: Int64) -> Double {
        evict(now: now)
        return evaluate(function)
    }

    /// The aggregate over the samples held now (evict first to move the window's end).
    @inline(__always)
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
            return minHead < minTail ? minValue : .nan
        case .maximum:
            return maxHead < maxTail ? maxValue : .nan
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
        var newRing = [Slot](repeating: Slot(time: 0, value: 0, minSequence: 0, maxSequence: 0), count: capacity)
        for seq in head..<tail {
            newRing[seq & newMask].time = ring[seq & oldMask].time
            newRing[seq & newMask].value = ring[seq & oldMask].value
        }
        for index in minHead..<minTail { newRing[index & newMask].minSequence = ring[index & oldMask].minSequence }
        for index in maxHead..<maxTail { newRing[index & newMask].maxSequence = ring[index & oldMask].maxSequence }
        ring = newRing
        mask = newMask
    }
}
