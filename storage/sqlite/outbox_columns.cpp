// Reading outbox rows: the column conversions shared by the outbox's own statements.
#include "storage/sqlite/outbox_columns.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <stdexcept>
#include <string_view>

#include "common/clock.h"

namespace groupdesk::storage::sqlite::outbox_columns {

namespace {

template <class Parse>
auto parse_column(SQLite::Statement& s, int index, Parse parse, std::string_view what) {
    const std::string stored = s.getColumn(index).getString();
    auto value = parse(stored);
    if (!value) throw std::runtime_error("stored " + std::string(what) + " '" + stored + "'");
    return *value;
}

}  // namespace

std::string join_mentions(const std::vector<std::string>& mentions) {
    std::string out;
    for (const auto& m : mentions) {
        if (!out.empty()) out += '\n';
        out += m;
    }
    return out;
}

std::vector<std::string> split_mentions(const std::string& joined) {
    std::vector<std::string> out;
    if (joined.empty()) return out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = joined.find('\n', start);
        out.push_back(joined.substr(start, end - start));
        if (end == std::string::npos) return out;
        start = end + 1;
    }
}

tickets::Notification read_row(SQLite::Statement& s) {
    tickets::Notification n;
    n.id = s.getColumn(0).getInt64();
    n.ticket = s.getColumn(1).isNull() ? 0 : s.getColumn(1).getInt64();
    n.kind = parse_column(s, 2, tickets::parse_notification_kind, "notification kind");
    n.route = parse_column(s, 3, tickets::parse_route, "route");
    n.channel = s.getColumn(4).getString();
    n.target = s.getColumn(5).getString();
    n.order_key = s.getColumn(6).getString();
    n.markdown = s.getColumn(7).getInt() != 0;
    n.text = s.getColumn(8).getString();
    n.mentions = split_mentions(s.getColumn(9).getString());
    n.state = parse_column(s, 10, tickets::parse_delivery_state, "delivery state");
    n.attempts = s.getColumn(11).getInt();
    n.created_at = from_unix_seconds(s.getColumn(12).getInt64());
    n.next_attempt_at = from_unix_seconds(s.getColumn(13).getInt64());
    if (!s.getColumn(14).isNull()) n.sent_at = from_unix_seconds(s.getColumn(14).getInt64());
    n.last_errcode = s.getColumn(15).getInt();
    n.last_error = s.getColumn(16).getString();
    return n;
}

std::vector<tickets::Notification> read_rows(SQLite::Statement& s) {
    std::vector<tickets::Notification> rows;
    while (s.executeStep()) rows.push_back(read_row(s));
    return rows;
}

}  // namespace groupdesk::storage::sqlite::outbox_columns
