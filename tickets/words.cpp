// Status and priority words, ticket references and byte-limited cuts.
#include "tickets/words.h"

#include "common/utf8.h"

namespace groupdesk::tickets {

std::string_view status_word(TicketStatus status, bool chinese) noexcept {
    switch (status) {
        case TicketStatus::Open:
            return chinese ? "待处理" : "open";
        case TicketStatus::InProgress:
            return chinese ? "处理中" : "in progress";
        case TicketStatus::Resolved:
            return chinese ? "已解决" : "resolved";
        case TicketStatus::Closed:
            return chinese ? "已关闭" : "closed";
    }
    return "?";
}

std::string_view priority_word(Priority priority, bool chinese) noexcept {
    switch (priority) {
        case Priority::Low:
            return chinese ? "低" : "low";
        case Priority::Normal:
            return chinese ? "中" : "normal";
        case Priority::High:
            return chinese ? "高" : "high";
        case Priority::Urgent:
            return chinese ? "紧急" : "urgent";
    }
    return "?";
}

std::string ticket_ref(std::int64_t number) {
    // Appended rather than `"#" + std::to_string(n)`, which trips GCC 12's -Wrestrict.
    std::string text(1, '#');
    text += std::to_string(number);
    return text;
}

std::string cut_to_bytes(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return std::string(text);
    constexpr std::string_view kEllipsis = "…";
    if (max_bytes < kEllipsis.size()) return {};
    std::string out(utf8_truncate(text, max_bytes - kEllipsis.size()));
    out += kEllipsis;
    return out;
}

}  // namespace groupdesk::tickets
