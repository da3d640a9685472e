// lookup(): one read on a leased reader connection, with SQLite's failures turned into Errors.
#pragma once

#include <exception>
#include <string_view>
#include <utility>

#include "common/result.h"
#include "storage/sqlite/database.h"
#include "storage/sqlite/reader_pool.h"

namespace groupdesk::storage::sqlite {

// What a failed lookup reports: SQLite's errors are Unavailable (the caller retries), anything
// else — a row this build cannot read — is Internal. Here rather than in lookup(), so headers
// stay free of SQLite types.
[[nodiscard]] Error lookup_error(std::string_view what, std::exception_ptr failure);

// Runs `fn` on a leased reader. After a failure the lease is discarded, so a connection in an
// unknown state is not reused.
template <class T, class F>
Result<T> lookup(Database& db, std::string_view what, F&& fn) {
    auto reader = db.readers().take();
    if (!reader) return std::move(reader).error();
    try {
        return std::forward<F>(fn)(*reader);  // the lease resets the statements, ending the read
    } catch (...) {
        reader->discard();
        return lookup_error(what, std::current_exception());
    }
}

}  // namespace groupdesk::storage::sqlite
