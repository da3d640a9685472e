// Outbox rows as the columns of schema step 7 hold them: ticket NULL for none, enum words,
// mentions joined with '\n'.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tickets/notification.h"

namespace SQLite {
class Statement;
}

namespace groupdesk::storage::sqlite::outbox_columns {

// What read_row() reads, in its order; a macro so that it joins the SQL literals it appears in.
#define GD_OUTBOX_COLUMNS                                                                    \
    "id, ticket, kind, route, channel, target, order_key, markdown, text, mentions, state, " \
    "attempts, created_at, next_attempt_at, sent_at, last_errcode, last_error"

// The user ids joined with '\n' (an id never holds one), and back.
std::string join_mentions(const std::vector<std::string>& mentions);
std::vector<std::string> split_mentions(const std::string& joined);

// A row in GD_OUTBOX_COLUMNS order. A word this build cannot read throws std::runtime_error: a
// broken row, not a passing disk fault.
tickets::Notification read_row(SQLite::Statement& s);
std::vector<tickets::Notification> read_rows(SQLite::Statement& s);

}  // namespace groupdesk::storage::sqlite::outbox_columns
