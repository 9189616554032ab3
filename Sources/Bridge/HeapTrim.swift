#if canImport(Glibc)
/// glibc's `malloc_trim` (declared in `malloc.h`, which the Glibc module does not export).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif

/// Hands the heap memory freed since the last call back to the system. glibc keeps memory that
/// bursts freed (event streams that left, released devices, a drained backlog) in its arenas,
/// so without this the process would stay at its peak size for ever. Costs a walk of the free
/// lists: call it now and then, off the hot path.
enum HeapTrim {
    static func release() {
        #if canImport(Glibc)
        _ = glibcMallocTrim(0)
        #endif
    }
}
