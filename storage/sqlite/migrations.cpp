// The schema's steps, in the order they were shipped.
#include "storage/sqlite/migrations.h"

namespace groupdesk::storage::sqlite {
namespace {

// The schema, one step per version: step i takes user_version from i to i + 1, in its own
// transaction. Append only; never edit a step that has shipped.
constexpr std::string_view kSteps[] = {
    // 1: which callbacks were answered, and with what; created_at drives the retention sweep.
    "CREATE TABLE dedup ("
    "  key TEXT PRIMARY KEY,"
    "  answer TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX dedup_created_at ON dedup (created_at);",
    // 2: one row the writer rewrites when idle, so a failing disk shows in the health check.
    "CREATE TABLE write_probe ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  at INTEGER NOT NULL"
    ");",
    // 3: tickets, their history and the chat commands that changed them (tickets/ticket_store.h).
    // Times are unix seconds, enums their lower-case words. The list indexes end in number so
    // a filtered page is read newest first without sorting; a group's tickets by status (the
    // chat's "open tickets here", with its total) get an index of their own. The FTS5 trigram
    // tables make TicketQuery::text a substring search (Chinese included, case-insensitive) for
    // queries of 3+ characters; triggers keep them in step with edits and comments, in the
    // change's savepoint.
    // ticket_commands.ticket has no foreign key: the command row is written before a created
    // ticket exists (it is the job's "seen already?" check).
    "CREATE TABLE tickets ("
    "  number INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL,"
    "  description TEXT NOT NULL,"
    "  category TEXT NOT NULL,"
    "  priority TEXT NOT NULL,"
    "  status TEXT NOT NULL,"
    "  reporter TEXT NOT NULL,"
    "  assignee TEXT NOT NULL,"
    "  channel TEXT NOT NULL,"
    "  group_kind TEXT NOT NULL,"
    "  group_id TEXT NOT NULL,"
    "  source_message_id TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  first_response_at INTEGER,"
    "  resolved_at INTEGER,"
    "  closed_at INTEGER,"
    "  revision INTEGER NOT NULL"
    ");"
    "CREATE INDEX tickets_status ON tickets (status, number DESC);"
    "CREATE INDEX tickets_channel_group ON tickets (channel, group_id, number DESC);"
    "CREATE INDEX tickets_channel_group_status ON tickets (channel, group_id, status, number DESC);"
    "CREATE INDEX tickets_assignee ON tickets (assignee, number DESC);"
    "CREATE INDEX tickets_reporter ON tickets (reporter, number DESC);"
    "CREATE TABLE ticket_events ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  ticket INTEGER NOT NULL REFERENCES tickets (number),"
    "  at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  actor_role TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  field TEXT NOT NULL,"
    "  from_value TEXT NOT NULL,"
    "  to_value TEXT NOT NULL,"
    "  note TEXT NOT NULL"
    ");"
    "CREATE INDEX ticket_events_ticket ON ticket_events (ticket, id);"
    "CREATE TABLE ticket_commands ("
    "  source_key TEXT PRIMARY KEY,"
    "  ticket INTEGER NOT NULL,"
    "  reply TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX ticket_commands_created_at ON ticket_commands (created_at);"
    "CREATE VIRTUAL TABLE tickets_fts USING fts5("
    "  title, description, tokenize = 'trigram case_sensitive 0');"
    "CREATE VIRTUAL TABLE ticket_comments_fts USING fts5("
    "  ticket UNINDEXED, note, tokenize = 'trigram case_sensitive 0');"
    // New tickets wait in tickets_fts_pending and are indexed in batches off the commit path
    // (SqliteTicketStore::index_pending): a trigram row per ticket in every group commit cost a
    // third of the creation rate. Searches also scan the pending ones, so none is ever missed.
    "CREATE TABLE tickets_fts_pending (number INTEGER PRIMARY KEY);"
    "CREATE TRIGGER tickets_fts_pending_insert AFTER INSERT ON tickets BEGIN"
    "  INSERT INTO tickets_fts_pending (number) VALUES (new.number);"
    "END;"
    "CREATE TRIGGER tickets_fts_update AFTER UPDATE OF title, description ON tickets BEGIN"
    "  UPDATE tickets_fts SET title = new.title, description = new.description"
    "  WHERE rowid = new.number;"
    "END;"
    "CREATE TRIGGER ticket_comments_fts_insert AFTER INSERT ON ticket_events"
    "  WHEN new.action = 'comment' BEGIN"
    "  INSERT INTO ticket_comments_fts (rowid, ticket, note) VALUES (new.id, new.ticket, new.note);"
    "END;",
    // 4: the outbox (tickets/outbox_store.h), written with each ticket change, and the latest
    // response_url of each AI-bot chat (tickets/response_url_store.h). Times are unix seconds,
    // enums their lower-case words, mentions the user ids joined with '\n' (ids never hold one).
    // outbox_heads finds each order key's lowest pending id without reading sent rows;
    // outbox_next walks pending rows by due time; outbox_state and outbox_ticket serve the
    // admin lists newest first.
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  ticket INTEGER NOT NULL REFERENCES tickets (number),"
    "  route TEXT NOT NULL,"
    "  channel TEXT NOT NULL,"
    "  target TEXT NOT NULL,"
    "  order_key TEXT NOT NULL,"
    "  markdown INTEGER NOT NULL,"
    "  text TEXT NOT NULL,"
    "  mentions TEXT NOT NULL,"
    "  state TEXT NOT NULL,"
    "  attempts INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  next_attempt_at INTEGER NOT NULL,"
    "  sent_at INTEGER,"
    "  last_errcode INTEGER NOT NULL,"
    "  last_error TEXT NOT NULL"
    ");"
    "CREATE INDEX outbox_heads ON outbox (state, order_key, id);"
    "CREATE INDEX outbox_next ON outbox (state, next_attempt_at);"
    "CREATE INDEX outbox_state ON outbox (state, id);"
    "CREATE INDEX outbox_ticket ON outbox (ticket, id);"
    // `used` keeps a handed-out URL from going out twice; the row stays until the next callback
    // replaces it or the sweep drops it.
    "CREATE TABLE response_urls ("
    "  channel TEXT NOT NULL,"
    "  conversation TEXT NOT NULL,"
    "  url TEXT NOT NULL,"
    "  received_at INTEGER NOT NULL,"
    "  used INTEGER NOT NULL,"
    "  PRIMARY KEY (channel, conversation)"
    ");"
    "CREATE INDEX response_urls_received_at ON response_urls (received_at);",
    // 5: the chats that have written to an AI bot (tickets/known_chat_store.h): the platform lets
    // the bot push only into those. kind is the chat's GroupKind word; first_seen_at is unix
    // seconds. Never expired: the permission to push does not lapse, as far as is documented.
    "CREATE TABLE known_chats ("
    "  channel TEXT NOT NULL,"
    "  chat TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('chat', 'user')),"
    "  first_seen_at INTEGER NOT NULL,"
    "  PRIMARY KEY (channel, chat)"
    ") WITHOUT ROWID;",
    // 6: keyword rules, their history and their hits (keywords/keyword_store.h). Times are unix
    // seconds, enums their lower-case words; keywords, news and scope are JSON text, history
    // keeps whole rules as JSON objects. A deleted rule keeps its row (deleted = 1), so its id is
    // never handed out again and its history still points at it; only live rules hold their
    // origin, so a rule deleted and imported again becomes a new rule. Hits are a log: no
    // foreign key, a hit is never refused for its rule.
    "CREATE TABLE keyword_rules ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('keyword', 'follow', 'default')),"
    "  keywords TEXT NOT NULL,"
    "  match_type TEXT NOT NULL CHECK (match_type IN ('exact', 'prefix', 'contains', 'regex')),"
    "  reply TEXT NOT NULL,"
    "  news TEXT,"
    "  priority INTEGER NOT NULL,"
    "  scope TEXT NOT NULL,"
    "  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),"
    "  active_start INTEGER,"
    "  active_end INTEGER,"
    "  origin TEXT NOT NULL,"
    "  created_by TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  updated_by TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),"
    "  CHECK ((active_start IS NULL) = (active_end IS NULL))"
    ");"
    "CREATE UNIQUE INDEX keyword_rules_origin ON keyword_rules (origin)"
    "  WHERE origin <> '' AND deleted = 0;"
    "CREATE TABLE keyword_history ("
    "  rule_id INTEGER NOT NULL REFERENCES keyword_rules (id),"
    "  version INTEGER NOT NULL,"
    "  op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),"
    "  actor TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  before_rule TEXT,"
    "  after_rule TEXT,"
    "  PRIMARY KEY (rule_id, version)"
    ") WITHOUT ROWID;"
    "CREATE TABLE keyword_hits ("
    "  id INTEGER PRIMARY KEY,"
    "  rule_id INTEGER NOT NULL,"
    "  channel TEXT NOT NULL,"
    "  chat TEXT NOT NULL,"
    "  sender TEXT NOT NULL,"
    "  at INTEGER NOT NULL"
    ");"
    "CREATE INDEX keyword_hits_rule_at ON keyword_hits (rule_id, at);",
    // 7: the 48-hour reply windows of Official Account conversations (tickets/reply_window.h,
    // conversation_store.h), and outbox rows that belong to no ticket (alerts, agents' messages).
    // Times are unix seconds, enums their lower-case words. conversations_next_alert holds only
    // rows with work left, so the worker's due() and next_due() are seeks into a small index;
    // conversations_deadline serves the list, closing first.
    "CREATE TABLE conversations ("
    "  channel TEXT NOT NULL,"
    "  user_id TEXT NOT NULL,"
    "  opened_by TEXT NOT NULL"
    "    CHECK (opened_by IN ('message', 'menu_click', 'follow', 'scan', 'unfollow')),"
    "  window_opened_at INTEGER NOT NULL,"
    "  last_action_at INTEGER NOT NULL,"
    "  deadline INTEGER NOT NULL,"
    "  quota_left INTEGER NOT NULL,"
    "  last_message_at INTEGER,"
    "  last_answer_at INTEGER,"
    "  last_excerpt TEXT NOT NULL,"
    "  alerts_done INTEGER NOT NULL,"
    "  nudged INTEGER NOT NULL CHECK (nudged IN (0, 1)),"
    "  next_alert_at INTEGER,"
    "  last_source_key TEXT NOT NULL,"
    "  PRIMARY KEY (channel, user_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX conversations_next_alert ON conversations (next_alert_at)"
    "  WHERE next_alert_at IS NOT NULL;"
    "CREATE INDEX conversations_deadline ON conversations (deadline, channel, user_id);"
    // The outbox again, with ticket NULL for a row about no ticket and the row's kind; SQLite
    // cannot drop NOT NULL in place. Nothing references outbox, so dropping it is valid with
    // foreign keys on. The sequence is carried over, so an id is never handed out twice (the
    // copy alone would restart after the highest id still stored).
    "CREATE TABLE outbox_new ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  ticket INTEGER REFERENCES tickets (number),"
    "  kind TEXT NOT NULL DEFAULT 'ticket',"
    "  route TEXT NOT NULL,"
    "  channel TEXT NOT NULL,"
    "  target TEXT NOT NULL,"
    "  order_key TEXT NOT NULL,"
    "  markdown INTEGER NOT NULL,"
    "  text TEXT NOT NULL,"
    "  mentions TEXT NOT NULL,"
    "  state TEXT NOT NULL,"
    "  attempts INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  next_attempt_at INTEGER NOT NULL,"
    "  sent_at INTEGER,"
    "  last_errcode INTEGER NOT NULL,"
    "  last_error TEXT NOT NULL"
    ");"
    "INSERT INTO outbox_new (id, ticket, kind, route, channel, target, order_key, markdown, text,"
    "  mentions, state, attempts, created_at, next_attempt_at, sent_at, last_errcode, last_error)"
    "  SELECT id, ticket, 'ticket', route, channel, target, order_key, markdown, text, mentions,"
    "  state, attempts, created_at, next_attempt_at, sent_at, last_errcode, last_error"
    "  FROM outbox;"
    "DELETE FROM sqlite_sequence WHERE name = 'outbox_new';"
    "INSERT INTO sqlite_sequence (name, seq)"
    "  SELECT 'outbox_new', seq FROM sqlite_sequence WHERE name = 'outbox';"
    "DROP TABLE outbox;"
    "ALTER TABLE outbox_new RENAME TO outbox;"
    "CREATE INDEX outbox_heads ON outbox (state, order_key, id);"
    "CREATE INDEX outbox_next ON outbox (state, next_attempt_at);"
    "CREATE INDEX outbox_state ON outbox (state, id);"
    "CREATE INDEX outbox_ticket ON outbox (ticket, id);"
    // One conversation's rows, newest first (the API's per-conversation list).
    "CREATE INDEX outbox_order_key ON outbox (order_key, id);",
    // 8: conversations again, the same columns, rows and indexes, with opened_by's CHECK written
    // as comparisons. SQLite builds a temporary B-tree for an IN list of more than two values on
    // every run of a statement that checks it: about 30,000 instructions on each callback's
    // record, a third of the record's cost (BENCHMARKS.md, the callback hot path).
    "CREATE TABLE conversations_new ("
    "  channel TEXT NOT NULL,"
    "  user_id TEXT NOT NULL,"
    "  opened_by TEXT NOT NULL"
    "    CHECK (opened_by = 'message' OR opened_by = 'menu_click' OR opened_by = 'follow'"
    "      OR opened_by = 'scan' OR opened_by = 'unfollow'),"
    "  window_opened_at INTEGER NOT NULL,"
    "  last_action_at INTEGER NOT NULL,"
    "  deadline INTEGER NOT NULL,"
    "  quota_left INTEGER NOT NULL,"
    "  last_message_at INTEGER,"
    "  last_answer_at INTEGER,"
    "  last_excerpt TEXT NOT NULL,"
    "  alerts_done INTEGER NOT NULL,"
    "  nudged INTEGER NOT NULL CHECK (nudged IN (0, 1)),"
    "  next_alert_at INTEGER,"
    "  last_source_key TEXT NOT NULL,"
    "  PRIMARY KEY (channel, user_id)"
    ") WITHOUT ROWID;"
    "INSERT INTO conversations_new (channel, user_id, opened_by, window_opened_at, last_action_at,"
    "  deadline, quota_left, last_message_at, last_answer_at, last_excerpt, alerts_done, nudged,"
    "  next_alert_at, last_source_key)"
    "  SELECT channel, user_id, opened_by, window_opened_at, last_action_at, deadline, quota_left,"
    "  last_message_at, last_answer_at, last_excerpt, alerts_done, nudged, next_alert_at,"
    "  last_source_key FROM conversations;"
    "DROP TABLE conversations;"
    "ALTER TABLE conversations_new RENAME TO conversations;"
    "CREATE INDEX conversations_next_alert ON conversations (next_alert_at)"
    "  WHERE next_alert_at IS NOT NULL;"
    "CREATE INDEX conversations_deadline ON conversations (deadline, channel, user_id);",
};

}  // namespace

std::span<const std::string_view> schema_steps() { return kSteps; }

}  // namespace groupdesk::storage::sqlite
