// SqliteTicketStore: each change as one writer job (its savepoint makes it all or nothing),
// lookups and filtered pages on the reader pool, text search on the FTS5 trigram tables.
#include "storage/sqlite/sqlite_ticket_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

#include "common/clock.h"
#include "storage/sqlite/lookup.h"
#include "storage/sqlite/reader_pool.h"
#include "storage/sqlite/sqlite_outbox_store.h"
#include "storage/sqlite/ticket_filters.h"
#include "storage/sqlite/writer.h"

namespace groupdesk::storage::sqlite {

using tickets::Ticket;
using tickets::TicketEvent;

namespace {

#define GD_TICKET_COLUMNS                                                                   \
    "number, title, description, category, priority, status, reporter, assignee, channel, " \
    "group_kind, group_id, source_message_id, created_at, updated_at, first_response_at, "  \
    "resolved_at, closed_at, revision"

constexpr const char* kInsertTicketSql =
    "INSERT OR IGNORE INTO tickets (" GD_TICKET_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";
// ?19: the revision the change was decided on.
constexpr const char* kUpdateTicketSql =
    "UPDATE tickets SET title = ?2, description = ?3, category = ?4, priority = ?5, status = ?6, "
    "reporter = ?7, assignee = ?8, channel = ?9, group_kind = ?10, group_id = ?11, "
    "source_message_id = ?12, created_at = ?13, updated_at = ?14, first_response_at = ?15, "
    "resolved_at = ?16, closed_at = ?17, revision = ?18 WHERE number = ?1 AND revision = ?19";
constexpr const char* kExistsSql = "SELECT 1 FROM tickets WHERE number = ?1";
constexpr const char* kInsertEventSql =
    "INSERT INTO ticket_events (ticket, at, actor, actor_role, action, field, from_value, "
    "to_value, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr const char* kInsertCommandSql =
    "INSERT OR IGNORE INTO ticket_commands (source_key, ticket, reply, created_at) "
    "VALUES (?1, ?2, ?3, ?4)";
constexpr const char* kSelectTicketSql =
    "SELECT " GD_TICKET_COLUMNS " FROM tickets WHERE number = ?1";
constexpr const char* kSelectEventsSql =
    "SELECT id, ticket, at, actor, actor_role, action, field, from_value, to_value, note "
    "FROM ticket_events WHERE ticket = ?1 ORDER BY id";
constexpr const char* kSelectCommandSql =
    "SELECT ticket, reply FROM ticket_commands WHERE source_key = ?1";
constexpr const char* kMaxNumberSql = "SELECT coalesce(max(number), 0) FROM tickets";

std::string word(std::string_view w) { return std::string(w); }

void bind_optional_time(SQLite::Statement& s, int index,
                        const std::optional<tickets::time_point>& time) {
    if (time) {
        s.bind(index, static_cast<std::int64_t>(to_unix_seconds(*time)));
    } else {
        s.bind(index);  // NULL
    }
}

// Enum words and optional times as the migration stores them.
void bind_ticket(SQLite::Statement& s, const Ticket& t) {
    s.bind(1, t.number);
    s.bindNoCopy(2, t.title);  // the change outlives the statement's use of it
    s.bindNoCopy(3, t.description);
    s.bindNoCopy(4, t.category);
    s.bind(5, word(to_string(t.priority)));
    s.bind(6, word(to_string(t.status)));
    s.bindNoCopy(7, t.reporter);
    s.bindNoCopy(8, t.assignee);
    s.bindNoCopy(9, t.channel);
    s.bind(10, word(to_string(t.group_kind)));
    s.bindNoCopy(11, t.group);
    s.bindNoCopy(12, t.source_message_id);
    s.bind(13, static_cast<std::int64_t>(to_unix_seconds(t.created_at)));
    s.bind(14, static_cast<std::int64_t>(to_unix_seconds(t.updated_at)));
    bind_optional_time(s, 15, t.first_response_at);
    bind_optional_time(s, 16, t.resolved_at);
    bind_optional_time(s, 17, t.closed_at);
    s.bind(18, t.revision);
}

// An enum word; one this build cannot read is a broken row, not a passing disk fault.
template <class Parse>
auto parse_column(SQLite::Statement& s, int index, Parse parse, std::string_view what) {
    const std::string stored = s.getColumn(index).getString();
    auto value = parse(stored);
    if (!value) throw std::runtime_error("stored " + std::string(what) + " '" + stored + "'");
    return *value;
}

std::optional<tickets::time_point> optional_time(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return from_unix_seconds(column.getInt64());
}

// Columns in GD_TICKET_COLUMNS order.
Ticket read_ticket(SQLite::Statement& s) {
    Ticket t;
    t.number = s.getColumn(0).getInt64();
    t.title = s.getColumn(1).getString();
    t.description = s.getColumn(2).getString();
    t.category = s.getColumn(3).getString();
    t.priority = parse_column(s, 4, tickets::parse_priority, "priority");
    t.status = parse_column(s, 5, tickets::parse_status, "status");
    t.reporter = s.getColumn(6).getString();
    t.assignee = s.getColumn(7).getString();
    t.channel = s.getColumn(8).getString();
    t.group_kind = parse_column(s, 9, tickets::parse_group_kind, "group kind");
    t.group = s.getColumn(10).getString();
    t.source_message_id = s.getColumn(11).getString();
    t.created_at = from_unix_seconds(s.getColumn(12).getInt64());
    t.updated_at = from_unix_seconds(s.getColumn(13).getInt64());
    t.first_response_at = optional_time(s.getColumn(14));
    t.resolved_at = optional_time(s.getColumn(15));
    t.closed_at = optional_time(s.getColumn(16));
    t.revision = s.getColumn(17).getInt64();
    return t;
}

}  // namespace

Result<std::unique_ptr<SqliteTicketStore>> SqliteTicketStore::open(Database& db) {
    auto max_number = lookup<std::int64_t>(db, "ticket numbers", [](ReaderPool::Lease& lease) {
        auto& select = lease.statement(kMaxNumberSql);
        select.executeStep();
        return select.getColumn(0).getInt64();
    });
    if (!max_number) return std::move(max_number).error();
    return std::unique_ptr<SqliteTicketStore>(new SqliteTicketStore(db, *max_number));
}

SqliteTicketStore::~SqliteTicketStore() {
    // Jobs run in order: once this empty one is committed, every queued change of this store is.
    if (!db_.writer().on_writer_thread()) {
        (void)db_.writer().run_status([](WriteContext&) { return ok_status(); });
    }
}

Result<std::int64_t> SqliteTicketStore::reserve_number() {
    return last_number_.fetch_add(1, std::memory_order_relaxed) + 1;
}

void SqliteTicketStore::raise_last_number(std::int64_t number) {
    std::int64_t last = last_number_.load(std::memory_order_relaxed);
    while (last < number &&
           !last_number_.compare_exchange_weak(last, number, std::memory_order_relaxed)) {
    }
}

Result<std::optional<Ticket>> SqliteTicketStore::find(std::int64_t number) {
    return lookup<std::optional<Ticket>>(db_, "ticket lookup", [&](ReaderPool::Lease& lease) {
        auto& select = lease.statement(kSelectTicketSql);
        select.bind(1, number);
        std::optional<Ticket> ticket;
        if (select.executeStep()) ticket = read_ticket(select);
        return ticket;
    });
}

Result<std::vector<TicketEvent>> SqliteTicketStore::events(std::int64_t number) {
    return lookup<std::vector<TicketEvent>>(db_, "ticket events", [&](ReaderPool::Lease& lease) {
        auto& select = lease.statement(kSelectEventsSql);
        select.bind(1, number);
        std::vector<TicketEvent> events;
        while (select.executeStep()) {
            TicketEvent& e = events.emplace_back();
            e.id = select.getColumn(0).getInt64();
            e.ticket = select.getColumn(1).getInt64();
            e.at = from_unix_seconds(select.getColumn(2).getInt64());
            e.actor = select.getColumn(3).getString();
            e.actor_role = parse_column(select, 4, tickets::parse_actor_role, "actor role");
            e.action = parse_column(select, 5, tickets::parse_event_action, "action");
            e.field = select.getColumn(6).getString();
            e.from = select.getColumn(7).getString();
            e.to = select.getColumn(8).getString();
            e.note = select.getColumn(9).getString();
        }
        return events;
    });
}

Result<tickets::TicketPage> SqliteTicketStore::list(const tickets::TicketQuery& query) {
    const auto limit =
        static_cast<std::int64_t>(std::clamp<std::size_t>(query.limit, 1, tickets::kMaxPageSize));
    const TicketFilters where = ticket_filters(query);
    TicketFilters page = where;
    if (query.after) {
        page.add("number < ?");
        page.args.emplace_back(*query.after);
    }
    // One more than the page: whether another page follows, without counting.
    const std::string page_sql =
        "SELECT " GD_TICKET_COLUMNS " FROM tickets" + page.sql + " ORDER BY number DESC LIMIT ?";
    return lookup<tickets::TicketPage>(db_, "ticket list", [&](ReaderPool::Lease& lease) {
        tickets::TicketPage result;
        // The page and its total from one snapshot.
        lease.connection().exec("BEGIN");
        auto& select = lease.statement(page_sql);
        page.bind(select);
        select.bind(static_cast<int>(page.args.size()) + 1, limit + 1);
        while (select.executeStep()) result.tickets.push_back(read_ticket(select));
        select.reset();
        if (static_cast<std::int64_t>(result.tickets.size()) > limit) {
            result.tickets.pop_back();
            result.next_after = result.tickets.back().number;
        }
        if (query.with_total) {
            // Every match of the filters, wherever the cursor stands.
            auto& count = lease.statement("SELECT count(*) FROM tickets" + where.sql);
            where.bind(count);
            count.executeStep();
            result.total = static_cast<std::size_t>(count.getColumn(0).getInt64());
            count.reset();
        }
        lease.connection().exec("COMMIT");
        return result;
    });
}

Result<std::optional<tickets::CommandRecord>> SqliteTicketStore::find_command(
    std::string_view source_key) {
    const std::string key(source_key);
    return lookup<std::optional<tickets::CommandRecord>>(
        db_, "ticket command lookup", [&](ReaderPool::Lease& lease) {
            auto& select = lease.statement(kSelectCommandSql);
            select.bindNoCopy(1, key);
            std::optional<tickets::CommandRecord> record;
            if (select.executeStep()) {
                record = tickets::CommandRecord{key, select.getColumn(0).getInt64(),
                                                select.getColumn(1).getString()};
            }
            return record;
        });
}

void SqliteTicketStore::apply(tickets::TicketChange change, tickets::ApplyDone done) {
    db_.writer().submit(
        [this, change = std::move(change)](WriteContext& w) { return apply_in(w, change); },
        std::move(done));
}

Result<std::size_t> SqliteTicketStore::index_pending(std::size_t limit) {
    // The same LIMIT set twice in one job: nothing else writes between the two statements.
    static constexpr const char* kIndex =
        "INSERT INTO tickets_fts (rowid, title, description) "
        "SELECT t.number, t.title, t.description FROM tickets t WHERE t.number IN "
        "(SELECT number FROM tickets_fts_pending ORDER BY number LIMIT ?1)";
    static constexpr const char* kDone =
        "DELETE FROM tickets_fts_pending WHERE number IN "
        "(SELECT number FROM tickets_fts_pending ORDER BY number LIMIT ?1)";
    const auto rows = static_cast<std::int64_t>(std::min<std::size_t>(limit, 1'000'000));
    return db_.writer().run<std::size_t>([rows](WriteContext& w) -> Result<std::size_t> {
        auto& index = w.statement(kIndex);
        index.bind(1, rows);
        index.exec();
        auto& done = w.statement(kDone);
        done.bind(1, rows);
        return static_cast<std::size_t>(done.exec());
    });
}

Status SqliteTicketStore::apply_in(WriteContext& w, const tickets::TicketChange& change) {
    const Ticket& t = change.ticket;
    if (change.events.empty()) {
        return make_error(ErrorCode::InvalidArgument,
                          "ticket #" + std::to_string(t.number) + ": a change without events");
    }
    if (change.command) {
        // First: a retried command finds its row and the change is not made twice. Its time is
        // the change's, for a later retention sweep.
        auto& insert = w.statement(kInsertCommandSql);
        insert.bindNoCopy(1, change.command->source_key);
        insert.bind(2, change.command->ticket);
        insert.bindNoCopy(3, change.command->reply);
        insert.bind(4, static_cast<std::int64_t>(to_unix_seconds(t.updated_at)));
        if (insert.exec() == 0) return ok_status();
    }
    if (change.kind == tickets::TicketChange::Kind::Create) {
        auto& insert = w.statement(kInsertTicketSql);
        bind_ticket(insert, t);
        if (insert.exec() == 0) {
            return make_error(ErrorCode::InvalidArgument,
                              "ticket #" + std::to_string(t.number) + " exists already");
        }
    } else {
        auto& update = w.statement(kUpdateTicketSql);
        bind_ticket(update, t);
        update.bind(19, change.expected_revision);
        if (update.exec() == 0) {
            auto& exists = w.statement(kExistsSql);
            exists.bind(1, t.number);
            const bool found = exists.executeStep();
            exists.reset();  // no read left open across the savepoint's rollback
            if (!found) {
                return make_error(ErrorCode::NotFound,
                                  "ticket #" + std::to_string(t.number) + " does not exist");
            }
            return make_error(ErrorCode::Aborted, "ticket #" + std::to_string(t.number) +
                                                      " changed since revision " +
                                                      std::to_string(change.expected_revision));
        }
    }
    for (const TicketEvent& e : change.events) {
        auto& insert = w.statement(kInsertEventSql);
        insert.bind(1, t.number);
        insert.bind(2, static_cast<std::int64_t>(to_unix_seconds(e.at)));
        insert.bindNoCopy(3, e.actor);
        insert.bind(4, word(to_string(e.actor_role)));
        insert.bind(5, word(to_string(e.action)));
        insert.bindNoCopy(6, e.field);
        insert.bindNoCopy(7, e.from);
        insert.bindNoCopy(8, e.to);
        insert.bindNoCopy(9, e.note);
        insert.exec();
    }
    // In the change's savepoint: a refused or rolled-back change announces nothing.
    insert_notifications(w, t.number, change.notifications, t.updated_at);
    // Harmless if the commit then fails: a skipped number is allowed.
    if (change.kind == tickets::TicketChange::Kind::Create) raise_last_number(t.number);
    return ok_status();
}

#undef GD_TICKET_COLUMNS

}  // namespace groupdesk::storage::sqlite
