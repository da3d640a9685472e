// SqliteKeywordStore: the keyword_rules, keyword_history and keyword_hits tables of schema step 6.
// A batch of rule changes is one writer job; hits are queued jobs of their own.
#include "storage/sqlite/sqlite_keyword_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "common/clock.h"
#include "storage/sqlite/keyword_columns.h"
#include "storage/sqlite/lookup.h"
#include "storage/sqlite/reader_pool.h"
#include "storage/sqlite/writer.h"

namespace groupdesk::storage::sqlite {

using keywords::Rule;
using keywords::RuleChange;
using keywords::RuleVersion;
using namespace keyword_columns;  // the words and JSON of the columns

namespace {

#define GD_RULE_COLUMNS                                                                     \
    "id, kind, keywords, match_type, reply, news, priority, scope, enabled, active_start, " \
    "active_end, origin, created_by, created_at, updated_by, updated_at, version"

// ?1 NULL: SQLite assigns the id (rows are never removed, so an id is never reused).
constexpr const char* kInsertRuleSql =
    "INSERT INTO keyword_rules (" GD_RULE_COLUMNS
    ", deleted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
    "?17, 0)";
constexpr const char* kUpdateRuleSql =
    "UPDATE keyword_rules SET kind = ?2, keywords = ?3, match_type = ?4, reply = ?5, news = ?6, "
    "priority = ?7, scope = ?8, enabled = ?9, active_start = ?10, active_end = ?11, origin = ?12, "
    "created_by = ?13, created_at = ?14, updated_by = ?15, updated_at = ?16, version = ?17 "
    "WHERE id = ?1 AND deleted = 0";
constexpr const char* kDeleteRuleSql =
    "UPDATE keyword_rules SET deleted = 1, version = ?2, updated_by = ?3, updated_at = ?4 "
    "WHERE id = ?1 AND deleted = 0";
constexpr const char* kSelectRuleSql =
    "SELECT " GD_RULE_COLUMNS " FROM keyword_rules WHERE id = ?1 AND deleted = 0";
constexpr const char* kLoadSql =
    "SELECT " GD_RULE_COLUMNS " FROM keyword_rules WHERE deleted = 0 ORDER BY id";
constexpr const char* kInsertHistorySql =
    "INSERT INTO keyword_history (rule_id, version, op, actor, at, before_rule, after_rule) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char* kSelectHistorySql =
    "SELECT rule_id, version, op, actor, at, before_rule, after_rule FROM keyword_history "
    "WHERE rule_id = ?1 ORDER BY version";
constexpr const char* kInsertHitSql =
    "INSERT INTO keyword_hits (rule_id, channel, chat, sender, at) VALUES (?1, ?2, ?3, ?4, ?5)";

#undef GD_RULE_COLUMNS

// ?1 the id (NULL for a new rule), then the columns in GD_RULE_COLUMNS order.
void bind_rule(SQLite::Statement& s, const Rule& r) {
    if (r.id == 0) {
        s.bind(1);
    } else {
        s.bind(1, r.id);
    }
    s.bind(2, kind_word(r.kind));
    s.bind(3, keywords_json(r.keywords));
    s.bind(4, match_word(r.match_type));
    s.bind(5, r.reply);
    if (r.news) {
        s.bind(6, news_json(*r.news));
    } else {
        s.bind(6);
    }
    s.bind(7, r.priority);
    s.bind(8, scope_json(r.scope));
    s.bind(9, r.enabled ? 1 : 0);
    if (r.active_hours) {
        s.bind(10, r.active_hours->start_minute);
        s.bind(11, r.active_hours->end_minute);
    } else {
        s.bind(10);
        s.bind(11);
    }
    s.bind(12, r.origin);
    s.bind(13, r.created_by);
    s.bind(14, static_cast<std::int64_t>(to_unix_seconds(r.created_at)));
    s.bind(15, r.updated_by);
    s.bind(16, static_cast<std::int64_t>(to_unix_seconds(r.updated_at)));
    s.bind(17, r.version);
}

Rule read_rule(SQLite::Statement& s) {
    Rule r;
    r.id = s.getColumn(0).getInt64();
    r.kind = read_kind(s.getColumn(1).getString());
    r.keywords = keywords_from(s.getColumn(2).getString());
    r.match_type = read_match(s.getColumn(3).getString());
    r.reply = s.getColumn(4).getString();
    if (!s.getColumn(5).isNull()) r.news = news_from(s.getColumn(5).getString());
    r.priority = s.getColumn(6).getInt();
    r.scope = scope_from(s.getColumn(7).getString());
    r.enabled = s.getColumn(8).getInt() != 0;
    if (!s.getColumn(9).isNull()) {
        r.active_hours = keywords::ActiveHours{s.getColumn(9).getInt(), s.getColumn(10).getInt()};
    }
    r.origin = s.getColumn(11).getString();
    r.created_by = s.getColumn(12).getString();
    r.created_at = from_unix_seconds(s.getColumn(13).getInt64());
    r.updated_by = s.getColumn(14).getString();
    r.updated_at = from_unix_seconds(s.getColumn(15).getInt64());
    r.version = s.getColumn(16).getInt();
    return r;
}

// The live rule as this job sees it: earlier changes of the same batch included.
std::optional<Rule> find_live(WriteContext& w, std::int64_t id) {
    auto& select = w.statement(kSelectRuleSql);
    select.bind(1, id);
    std::optional<Rule> rule;
    if (select.executeStep()) rule = read_rule(select);
    select.reset();  // no read left open across the savepoint's rollback
    return rule;
}

bool origin_taken(WriteContext& w, const std::string& origin, std::int64_t own_id) {
    if (origin.empty()) return false;
    auto& select = w.statement(kOriginTakenSql);
    select.bind(1, origin);
    select.bind(2, own_id);
    const bool taken = select.executeStep();
    select.reset();
    return taken;
}

void write_history(WriteContext& w, const RuleChange& change, std::int64_t rule_id, int version,
                   const Rule* before, const Rule* after) {
    auto& insert = w.statement(kInsertHistorySql);
    insert.bind(1, rule_id);
    insert.bind(2, version);
    insert.bind(3, op_word(change.op));
    insert.bind(4, change.actor);
    insert.bind(5, static_cast<std::int64_t>(to_unix_seconds(change.at)));
    if (before) {
        insert.bind(6, rule_json(*before));
    } else {
        insert.bind(6);
    }
    if (after) {
        insert.bind(7, rule_json(*after));
    } else {
        insert.bind(7);
    }
    insert.exec();
}

std::string rule_name(std::int64_t id) { return "keyword rule #" + std::to_string(id); }

// One change inside the batch's job; an error return rolls the whole batch back.
Result<Rule> apply_one(WriteContext& w, const RuleChange& change) {
    // Kept to the second, like every time in the file: what is returned is what load() gives.
    const auto at = from_unix_seconds(to_unix_seconds(change.at));
    if (change.op == RuleChange::Op::Create) {
        Rule rule = change.rule;
        rule.id = 0;
        rule.version = 1;
        rule.created_by = rule.updated_by = change.actor;
        rule.created_at = rule.updated_at = at;
        if (origin_taken(w, rule.origin, 0)) {
            return make_error(ErrorCode::AlreadyExists,
                              "a keyword rule from '" + rule.origin + "' exists already");
        }
        auto& insert = w.statement(kInsertRuleSql);
        bind_rule(insert, rule);
        insert.exec();
        rule.id = w.connection().getLastInsertRowid();
        write_history(w, change, rule.id, rule.version, nullptr, &rule);
        return rule;
    }

    const std::int64_t id = change.rule.id;
    std::optional<Rule> current = find_live(w, id);
    if (!current) return make_error(ErrorCode::NotFound, rule_name(id) + " does not exist");
    if (current->version != change.rule.version) {
        return make_error(ErrorCode::Aborted, rule_name(id) + " changed since version " +
                                                  std::to_string(change.rule.version));
    }
    if (change.op == RuleChange::Op::Delete) {
        auto& remove = w.statement(kDeleteRuleSql);
        remove.bind(1, id);
        remove.bind(2, current->version + 1);
        remove.bind(3, change.actor);
        remove.bind(4, static_cast<std::int64_t>(to_unix_seconds(at)));
        remove.exec();
        write_history(w, change, id, current->version + 1, &*current, nullptr);
        return *current;
    }
    Rule rule = change.rule;
    rule.version = current->version + 1;
    rule.created_by = current->created_by;
    rule.created_at = current->created_at;
    rule.updated_by = change.actor;
    rule.updated_at = at;
    if (origin_taken(w, rule.origin, id)) {
        return make_error(ErrorCode::AlreadyExists,
                          "a keyword rule from '" + rule.origin + "' exists already");
    }
    auto& update = w.statement(kUpdateRuleSql);
    bind_rule(update, rule);
    update.exec();
    write_history(w, change, id, rule.version, &*current, &rule);
    return rule;
}

}  // namespace

Result<std::unique_ptr<SqliteKeywordStore>> SqliteKeywordStore::open(Database& db) {
    return std::unique_ptr<SqliteKeywordStore>(new SqliteKeywordStore(db));
}

SqliteKeywordStore::~SqliteKeywordStore() {
    // Jobs run in order: once this empty one is committed, every queued hit is.
    if (!db_.writer().on_writer_thread()) {
        (void)db_.writer().run_status([](WriteContext&) { return ok_status(); });
    }
}

Result<std::vector<Rule>> SqliteKeywordStore::load() {
    return lookup<std::vector<Rule>>(db_, "keyword rules", [](ReaderPool::Lease& lease) {
        auto& select = lease.statement(kLoadSql);
        std::vector<Rule> rules;
        while (select.executeStep()) rules.push_back(read_rule(select));
        return rules;
    });
}

Result<std::vector<Rule>> SqliteKeywordStore::apply(const std::vector<RuleChange>& changes) {
    if (changes.empty()) return std::vector<Rule>{};
    // One job, one savepoint: the first refused change rolls back the ones before it. The rules
    // come back only after the commit, so a caller never acts on a rule that is not durable.
    return db_.writer().run<std::vector<Rule>>(
        [&changes](WriteContext& w) -> Result<std::vector<Rule>> {
            std::vector<Rule> stored;
            stored.reserve(changes.size());
            for (const RuleChange& change : changes) {
                Result<Rule> rule = [&]() -> Result<Rule> {
                    try {
                        return apply_one(w, change);
                    } catch (const std::invalid_argument& e) {
                        return make_error(ErrorCode::InvalidArgument,
                                          rule_name(change.rule.id) + ": " + e.what());
                    }
                }();
                if (!rule) return std::move(rule).error();
                stored.push_back(std::move(*rule));
            }
            return stored;
        });
}

Result<std::vector<RuleVersion>> SqliteKeywordStore::history(std::int64_t rule_id) {
    return lookup<std::vector<RuleVersion>>(
        db_, "keyword rule history", [rule_id](ReaderPool::Lease& lease) {
            auto& select = lease.statement(kSelectHistorySql);
            select.bind(1, rule_id);
            std::vector<RuleVersion> versions;
            while (select.executeStep()) {
                RuleVersion& v = versions.emplace_back();
                v.rule_id = select.getColumn(0).getInt64();
                v.version = select.getColumn(1).getInt();
                v.op = read_op(select.getColumn(2).getString());
                v.actor = select.getColumn(3).getString();
                v.at = from_unix_seconds(select.getColumn(4).getInt64());
                if (!select.getColumn(5).isNull()) {
                    v.before = rule_from(select.getColumn(5).getString());
                }
                if (!select.getColumn(6).isNull()) {
                    v.after = rule_from(select.getColumn(6).getString());
                }
            }
            return versions;
        });
}

void SqliteKeywordStore::record_hit(keywords::Hit hit, Done done) {
    db_.writer().submit(
        [hit = std::move(hit)](WriteContext& w) -> Status {
            auto& insert = w.statement(kInsertHitSql);
            insert.bind(1, hit.rule_id);
            insert.bindNoCopy(2, hit.channel);  // the job outlives the statement's use of them
            insert.bindNoCopy(3, hit.chat);
            insert.bindNoCopy(4, hit.sender);
            insert.bind(5, static_cast<std::int64_t>(to_unix_seconds(hit.at)));
            insert.exec();
            return ok_status();
        },
        std::move(done));
}

}  // namespace groupdesk::storage::sqlite
