import Storage

extension JSONBytes {
    /// A chart point of `/api/series`: `{"t","min","max","avg","count"}`.
    mutating func bucket(_ bucket: RollupBucket) {
        raw(#"{"t":"#)
        time(bucket.start)
        raw(#","min":"#)
        number(bucket.min)
        raw(#","max":"#)
        number(bucket.max)
        raw(#","avg":"#)
        number(bucket.avg)
        raw(#","count":"#)
        integer(bucket.count)
        byte("}")
    }
}
