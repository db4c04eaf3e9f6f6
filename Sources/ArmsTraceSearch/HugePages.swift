#if canImport(Glibc)
import Glibc
#endif

/// Asks Linux to back an index's large arrays with 2 MiB pages.
///
/// A search probes about 1,500 places spread over hundreds of megabytes; with 4 KiB pages nearly every probe also
/// misses the processor's address translation cache, and with 2 MiB pages almost none does (at 10 million records a
/// seventh off the median search and a quarter off the 99th percentile). `MADV_COLLAPSE` (Linux 6.1) copies an
/// array's pages into huge pages at once, whatever the system's transparent huge page setting; elsewhere, or when
/// the kernel declines, nothing changes but the speed.
enum HugePages {
    /// Arrays smaller than this are left alone: they hold few huge pages, if any.
    static let minimumBytes = 4 << 20

    /// Collapses the whole 2 MiB pages inside the array's storage.
    static func collapse<T>(_ array: [T]) {
        #if os(Linux)
        array.withUnsafeBytes { bytes in
            guard bytes.count >= minimumBytes, let base = bytes.baseAddress else { return }
            let page = 4096
            let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
            let end = (Int(bitPattern: base) + bytes.count) & ~(page - 1)
            guard end > start else { return }
            let collapse: Int32 = 25  // MADV_COLLAPSE; Debian's C library headers predate it
            _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, collapse)
        }
        #endif
    }
}
