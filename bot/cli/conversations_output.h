// What `groupdesk conversations` prints for people: the open windows as a table, and one
// conversation in full. Built from the server's JSON, read defensively.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace groupdesk::bot::cli {

// The time left of a window as agents scan it: "3h05m", "45m", "30s"; "closed" when not open.
[[nodiscard]] std::string time_left(std::int64_t seconds, bool open);

// A {"conversations": […]} answer as a table no wider than `width` (the excerpt gives way).
[[nodiscard]] std::string conversations_table(const nlohmann::json& page, std::size_t width);

// One conversation: its window, quota, tickets and alerts, a line each.
[[nodiscard]] std::string conversation_report(const nlohmann::json& conversation);

}  // namespace groupdesk::bot::cli
