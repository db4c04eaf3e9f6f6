// SQLite's process-wide settings, which Swift cannot pass to the variadic sqlite3_config itself.
#include <sqlite3.h>

/// Sets SQLite's threading mode to multi-thread: a connection is used by one thread at a time, as GRDB guarantees,
/// so SQLite takes no lock of its own around each call on it. Turns off SQLite's memory statistics, which take a
/// lock around every allocation and which nothing reads. Takes effect only before SQLite is first initialised.
/// Returns SQLITE_OK, or SQLITE_MISUSE when SQLite was initialised already.
static inline int armstrace_sqlite_configure(void) {
    int threading = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    if (threading != SQLITE_OK) return threading;
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
