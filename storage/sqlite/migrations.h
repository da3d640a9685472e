// The database schema as steps: step i takes PRAGMA user_version from i to i + 1 (database.cpp
// applies them, each in its own transaction).
#pragma once

#include <span>
#include <string_view>

namespace groupdesk::storage::sqlite {

// Append only; never edit a step that has shipped.
std::span<const std::string_view> schema_steps();

}  // namespace groupdesk::storage::sqlite
