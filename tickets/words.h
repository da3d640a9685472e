// How statuses and priorities read to people, in Chinese and English: shared by the chat replies
// and the announcements, so a ticket reads the same wherever it is mentioned.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "tickets/ticket.h"

namespace groupdesk::tickets {

std::string_view status_word(TicketStatus status, bool chinese) noexcept;
std::string_view priority_word(Priority priority, bool chinese) noexcept;

// "#12"
std::string ticket_ref(std::int64_t number);

// `text` cut to at most `max_bytes` bytes of UTF-8, never inside a character, ending in "…"
// when anything was cut (the platforms count message sizes in bytes).
std::string cut_to_bytes(std::string_view text, std::size_t max_bytes);

}  // namespace groupdesk::tickets
