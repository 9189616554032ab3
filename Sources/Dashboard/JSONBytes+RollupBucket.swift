import Storage

extension JSONBytes {
    /// A chart point `{"t","min","max","avg"[,"count"]}`; `time` is the start already formatted,
    /// when the caller formats a grid of starts once for many series.
    mutating func bucket(_ bucket: RollupBucket, time: String? = nil, count: Bool) {
        raw(#"{"t":"#)
        if let time {
            append(time)
        } else {
            self.time(bucket.start)
        }
        raw(#","min":"#)
        number(bucket.min)
        raw(#","max":"#)
        number(bucket.max)
        raw(#","avg":"#)
        number(bucket.avg)
        if count {
            raw(#","count":"#)
            integer(bucket.count)
        }
        byte("}")
    }
}
