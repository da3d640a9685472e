// lookup(): one read on a leased reader connection, with SQLite's failures turned into Errors.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"
#include "storage/sqlite/database.h"
#include "storage/sqlite/reader_pool.h"

namespace groupdesk::storage::sqlite {

// SQLite's errors are Unavailable (the caller retries), a row this build cannot read is Internal.
// The lease is discarded after either, so a connection in an unknown state is not reused.
template <class T, class F>
Result<T> lookup(Database& db, std::string_view what, F&& fn) {
    auto reader = db.readers().take();
    if (!reader) return std::move(reader).error();
    try {
        return std::forward<F>(fn)(*reader);  // the lease resets the statements, ending the read
    } catch (const SQLite::Exception& e) {
        reader->discard();
        return make_error(ErrorCode::Unavailable, std::string(what) + ": " + e.what(),
                          e.getExtendedErrorCode());
    } catch (const std::exception& e) {
        reader->discard();
        return make_error(ErrorCode::Internal, std::string(what) + ": " + e.what());
    }
}

}  // namespace groupdesk::storage::sqlite
