// ticket_filters: the WHERE clause of a ticket list, from fixed fragments with bound values.
#include "storage/sqlite/ticket_filters.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <utility>

namespace groupdesk::storage::sqlite {

namespace {

// The trigram tokenizer indexes 3-character windows: a shorter query cannot use it.
constexpr std::size_t kMinIndexedChars = 3;

// "%text%", with LIKE's wildcards in `text` escaped as plain characters.
std::string like_pattern(std::string_view text) {
    std::string out = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    out += '%';
    return out;
}

}  // namespace

void TicketFilters::add(std::string_view fragment) {
    sql += sql.empty() ? " WHERE " : " AND ";
    sql += fragment;
}

void TicketFilters::bind(SQLite::Statement& s) const {
    int index = 1;
    for (const auto& arg : args) {
        if (const auto* text = std::get_if<std::string>(&arg)) {
            s.bindNoCopy(index++, *text);
        } else {
            s.bind(index++, std::get<std::int64_t>(arg));
        }
    }
}

TicketFilters ticket_filters(const tickets::TicketQuery& q) {
    TicketFilters w;
    if (!q.statuses.empty()) {
        // Each status once, in a fixed order: a few SQL texts for the statement caches.
        std::string in;
        for (auto status : {tickets::TicketStatus::Open, tickets::TicketStatus::InProgress,
                            tickets::TicketStatus::Resolved, tickets::TicketStatus::Closed}) {
            if (std::find(q.statuses.begin(), q.statuses.end(), status) == q.statuses.end()) {
                continue;
            }
            in += in.empty() ? "status IN (?" : ", ?";
            w.args.emplace_back(std::string(to_string(status)));
        }
        w.add(in + ")");
    }
    const std::pair<const std::string*, const char*> equal[] = {{&q.channel, "channel = ?"},
                                                                {&q.group, "group_id = ?"},
                                                                {&q.assignee, "assignee = ?"},
                                                                {&q.reporter, "reporter = ?"}};
    for (const auto& [value, fragment] : equal) {
        if (value->empty()) continue;
        w.add(fragment);
        w.args.emplace_back(*value);
    }
    if (!q.involving.empty()) {
        w.add("(reporter = ? OR assignee = ?)");
        w.args.emplace_back(q.involving);
        w.args.emplace_back(q.involving);
    }
    if (q.text.empty()) return w;
    if (tickets::count_chars(q.text) >= kMinIndexedChars) {
        // One FTS5 phrase (quotes doubled): the trigrams of the query in a row, i.e. a substring.
        std::string phrase = "\"";
        for (char c : q.text) {
            phrase += c;
            if (c == '"') phrase += '"';
        }
        phrase += '"';
        // Tickets not indexed yet (tickets_fts_pending, a few seconds' worth) are scanned.
        // CROSS JOIN keeps SQLite from driving the join from all tickets instead of those few.
        w.add(
            "number IN (SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH ? "
            "UNION SELECT ticket FROM ticket_comments_fts WHERE ticket_comments_fts MATCH ? "
            "UNION SELECT p.number FROM tickets_fts_pending p CROSS JOIN tickets t "
            "ON t.number = p.number WHERE t.title LIKE ? ESCAPE '\\' "
            "OR t.description LIKE ? ESCAPE '\\')");
        w.args.emplace_back(phrase);
        w.args.emplace_back(std::move(phrase));
        const std::string pattern = like_pattern(q.text);
        w.args.emplace_back(pattern);
        w.args.emplace_back(pattern);
    } else {
        // Too short for trigrams: scan, newest first, so a common word stops at the page. LIKE
        // folds ASCII letters only, as the contract asks; the comments are looked up per ticket.
        w.add(
            "(title LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\' OR EXISTS ("
            "SELECT 1 FROM ticket_events e WHERE e.ticket = tickets.number "
            "AND e.action = 'comment' AND e.note LIKE ? ESCAPE '\\'))");
        const std::string pattern = like_pattern(q.text);
        for (int i = 0; i < 3; ++i) w.args.emplace_back(pattern);
    }
    return w;
}

}  // namespace groupdesk::storage::sqlite
