// Stores: opening the database and its stores, each failure with the store's own message.
#include "bot/stores.h"

#include "storage/sqlite/database.h"
#include "storage/sqlite/sqlite_conversation_store.h"
#include "storage/sqlite/sqlite_dedup_store.h"
#include "storage/sqlite/sqlite_keyword_store.h"
#include "storage/sqlite/sqlite_known_chat_store.h"
#include "storage/sqlite/sqlite_outbox_store.h"
#include "storage/sqlite/sqlite_response_url_store.h"
#include "storage/sqlite/sqlite_ticket_store.h"

namespace groupdesk::bot {
namespace {

template <class Store>
Status open_into(std::unique_ptr<Store>& slot, storage::sqlite::Database& database) {
    auto store = Store::open(database);
    if (!store.ok()) return std::move(store).error();
    slot = std::move(store).value();
    return ok_status();
}

}  // namespace

Stores::Stores() = default;
Stores::Stores(Stores&&) noexcept = default;
Stores& Stores::operator=(Stores&&) noexcept = default;
Stores::~Stores() { close(); }

void Stores::close() {
    if (dedup) dedup->close();
}

Result<Stores> Stores::open(const std::string& path) {
    Stores stores;
    auto database = storage::sqlite::Database::open(path);
    if (!database.ok()) return std::move(database).error();
    stores.database = std::move(database).value();
    auto& db = *stores.database;
    Status opened = open_into(stores.dedup, db);
    if (opened.ok()) opened = open_into(stores.tickets, db);
    if (opened.ok()) opened = open_into(stores.outbox, db);
    if (opened.ok()) opened = open_into(stores.response_urls, db);
    if (opened.ok()) opened = open_into(stores.known_chats, db);
    if (opened.ok()) opened = open_into(stores.keywords, db);
    if (opened.ok()) opened = open_into(stores.conversations, db);
    if (!opened.ok()) return std::move(opened).error();
    return stores;
}

}  // namespace groupdesk::bot
