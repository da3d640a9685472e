// SQLite's own memory (page caches, prepared statements, the schema), for GET /metrics: the
// largest part of GroupDesk's resident size that grows with the database file.
#pragma once

#include <string>

namespace groupdesk::storage::sqlite {

// Two Prometheus gauges: the bytes SQLite holds now and the most it has held since start.
std::string render_memory_metrics();

}  // namespace groupdesk::storage::sqlite
