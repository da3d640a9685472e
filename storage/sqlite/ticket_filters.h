// ticket_filters: the WHERE clause of a ticket list (TicketQuery's filters), for
// SqliteTicketStore. The SQL text varies only by which filters are set; values are always bound.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tickets/ticket_store.h"

namespace SQLite {
class Statement;
}

namespace groupdesk::storage::sqlite {

struct TicketFilters {
    std::string sql;  // "" or " WHERE ... AND ...", with one "?" per value in `args`
    std::vector<std::variant<std::string, std::int64_t>> args;

    // Appends `fragment` (fixed SQL text) with AND; the caller pushes its values onto `args`.
    void add(std::string_view fragment);
    // Binds `args` to the first parameters of `s`, without copies: keep `args` while `s` runs.
    void bind(SQLite::Statement& s) const;
};

// Statuses (any of), channel, group, assignee, reporter, involving and text; not the cursor.
// Text of 3+ characters goes through the FTS5 trigram tables; shorter text (trigrams need three)
// scans with LIKE, newest first, so a common word stops once the page is full.
TicketFilters ticket_filters(const tickets::TicketQuery& q);

}  // namespace groupdesk::storage::sqlite
