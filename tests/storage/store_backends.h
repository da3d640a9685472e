// The two backends every store contract test runs against: the in-memory store the handler and
// service tests use, and the SQLite store in a database directory of its own.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>

#include "storage/sqlite/database.h"
#include "tests/storage/store_test_support.h"

namespace groupdesk::storage::sqlite::store_test {

template <class Store>
struct Backend {
    std::unique_ptr<TempDir> dir;
    std::unique_ptr<Database> db;
    std::unique_ptr<Store> store;  // declared last: closes before the database
};

template <class Store, class Memory>
Backend<Store> memory_backend() {
    return Backend<Store>{nullptr, nullptr, std::make_unique<Memory>()};
}

// `Sqlite::open(Database&)` on a fresh file; the store is null (and the test fails) when the
// database or the store does not open.
template <class Store, class Sqlite>
Backend<Store> sqlite_backend() {
    Backend<Store> backend;
    backend.dir = std::make_unique<TempDir>();
    backend.db = open_db(backend.dir->file("store.db"));
    if (!backend.db) return backend;
    auto store = Sqlite::open(*backend.db);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    if (store.ok()) backend.store = std::move(*store);
    return backend;
}

template <class Store>
struct BackendParam {
    std::string name;
    Backend<Store> (*make)();
};

template <class Store>
void PrintTo(const BackendParam<Store>& param, std::ostream* os) {
    *os << param.name;
}

}  // namespace groupdesk::storage::sqlite::store_test
