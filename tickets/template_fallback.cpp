// Filling a template's fields: {placeholder} → the ticket's value.
#include "tickets/template_fallback.h"

#include <string>
#include <string_view>

#include "tickets/words.h"

namespace groupdesk::tickets {
namespace {

// A template field shows a line or two; the whole announcement would be cut by the platform.
constexpr std::size_t kMaxTextBytes = 200;

std::string value_of(std::string_view name, const Notification& row, const Ticket* ticket) {
    if (name == "ticket") return ticket_ref(row.ticket);
    if (name == "text") return cut_to_bytes(row.text, kMaxTextBytes);
    if (ticket == nullptr) return "";
    if (name == "title") return ticket->title;
    if (name == "status") return std::string(status_word(ticket->status, true));
    if (name == "priority") return std::string(priority_word(ticket->priority, true));
    if (name == "assignee") return ticket->assignee;
    return "{" + std::string(name) + "}";  // the config check allows no other name
}

std::string fill(std::string_view pattern, const Notification& row, const Ticket* ticket) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size();) {
        const auto open = pattern.find('{', i);
        const auto close = open == std::string_view::npos ? open : pattern.find('}', open);
        if (close == std::string_view::npos) {
            out.append(pattern.substr(i));
            break;
        }
        out.append(pattern.substr(i, open - i));
        out += value_of(pattern.substr(open + 1, close - open - 1), row, ticket);
        i = close + 1;
    }
    return out;
}

}  // namespace

wecom::TemplateMessage template_message_for(const config::Channel::TemplateFallback& fallback,
                                            const Notification& row, const Ticket* ticket) {
    wecom::TemplateMessage message;
    message.template_id = fallback.template_id;
    message.url = fallback.url;
    for (const auto& [name, pattern] : fallback.fields) {
        message.data.emplace_back(name, fill(pattern, row, ticket));
    }
    message.client_msg_id = "groupdesk-" + std::to_string(row.id);
    return message;
}

}  // namespace groupdesk::tickets
