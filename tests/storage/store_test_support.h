// Test helpers for the dedup stores: temp directories, keys, and waiting for a record's commit.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "storage/sqlite/database.h"
#include "storage/sqlite/sqlite_dedup_store.h"
#include "tests/support/temp_dir.h"

namespace groupdesk::storage::sqlite::store_test {

using handlers::DedupStore;
using time_point = DedupStore::time_point;

inline time_point at(std::int64_t seconds) { return time_point{std::chrono::seconds{seconds}}; }

// "<prefix><a>" or "<prefix><a>-<b>"; appended, since GCC 12 misreports `"x" + std::string`.
inline std::string key_of(std::string prefix, int a, int b = -1) {
    prefix += std::to_string(a);
    if (b >= 0) {
        prefix += '-';
        prefix += std::to_string(b);
    }
    return prefix;
}

// A database directory of its own per test, removed with the -wal and -shm files.
class TempDir : public test::TempDir {
public:
    TempDir() : test::TempDir("groupdesk-store-") {}
};

inline Status record_and_wait(DedupStore& store, std::string key, std::string answer,
                              time_point when) {
    std::promise<Status> promise;
    auto result = promise.get_future();
    store.record(std::move(key), std::move(answer), when,
                 [&promise](Status s) { promise.set_value(std::move(s)); });
    return result.get();
}

inline std::optional<std::string> find_ok(DedupStore& store, std::string_view key) {
    auto found = store.find(key);
    EXPECT_TRUE(found.ok()) << (found.ok() ? "" : found.error().message);
    return found.ok() ? *found : std::nullopt;
}

inline std::unique_ptr<Database> open_db(const std::string& path) {
    auto db = Database::open(path);
    EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
    return db.ok() ? std::move(*db) : nullptr;
}

inline std::unique_ptr<SqliteDedupStore> open_store(Database& db) {
    auto store = SqliteDedupStore::open(db);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    return store.ok() ? std::move(*store) : nullptr;
}

}  // namespace groupdesk::storage::sqlite::store_test
