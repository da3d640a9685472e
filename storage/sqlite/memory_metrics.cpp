// render_memory_metrics: sqlite3_memory_used() and its high-water mark, process-wide.
#include "storage/sqlite/memory_metrics.h"

#include <sqlite3.h>

namespace groupdesk::storage::sqlite {

std::string render_memory_metrics() {
    std::string out;
    out += "# HELP groupdesk_sqlite_memory_bytes Memory SQLite holds (page caches, statements).\n";
    out += "# TYPE groupdesk_sqlite_memory_bytes gauge\n";
    out += "groupdesk_sqlite_memory_bytes " + std::to_string(sqlite3_memory_used()) + "\n";
    out += "# HELP groupdesk_sqlite_memory_peak_bytes The most memory SQLite has held.\n";
    out += "# TYPE groupdesk_sqlite_memory_peak_bytes gauge\n";
    out +=
        "groupdesk_sqlite_memory_peak_bytes " + std::to_string(sqlite3_memory_highwater(0)) + "\n";
    return out;
}

}  // namespace groupdesk::storage::sqlite
