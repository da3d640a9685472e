// lookup_error(): how a failed read on a reader connection is reported.
#include "storage/sqlite/lookup.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>

namespace groupdesk::storage::sqlite {

Error lookup_error(std::string_view what, std::exception_ptr failure) {
    try {
        std::rethrow_exception(std::move(failure));
    } catch (const SQLite::Exception& e) {
        return make_error(ErrorCode::Unavailable, std::string(what) + ": " + e.what(),
                          e.getExtendedErrorCode());
    } catch (const std::exception& e) {
        return make_error(ErrorCode::Internal, std::string(what) + ": " + e.what());
    } catch (...) {
        return make_error(ErrorCode::Internal, std::string(what) + ": unknown exception");
    }
}

}  // namespace groupdesk::storage::sqlite
