// Announcer: whether a change is announced, where, and in which words.
#include "tickets/announcer.h"

#include "tickets/words.h"

namespace groupdesk::tickets {
namespace {

bool same_conversation(const Ticket& t, const Conversation& where) {
    return t.channel == where.channel && t.group_kind == where.group_kind && t.group == where.group;
}

std::string_view field_word(std::string_view field) {
    if (field == "title") return "标题";
    if (field == "priority") return "优先级";
    if (field == "category") return "分类";
    if (field == "assignee") return "负责人";
    return field;
}

// A field's value as people read it: priorities and statuses in words.
std::string value_word(std::string_view field, const std::string& value) {
    if (field == "priority") {
        if (auto p = parse_priority(value)) return std::string(priority_word(*p, true));
    }
    if (field == "status") {
        if (auto s = parse_status(value)) return std::string(status_word(*s, true));
    }
    return value;
}

std::string event_line(const TicketEvent& e) {
    std::string line = "· " + e.actor;
    switch (e.action) {
        case EventAction::Create:
            line += " 创建了工单";
            break;
        case EventAction::Start:
        case EventAction::Resolve:
        case EventAction::Close:
        case EventAction::Reopen:
            line += " 将状态从「" + value_word("status", e.from) + "」改为「" +
                    value_word("status", e.to) + "」";
            if (!e.note.empty()) line += "：" + e.note;
            break;
        case EventAction::Assign:
            line += e.to.empty() ? " 取消了指派" : " 指派给 " + e.to;
            break;
        case EventAction::Edit:
            line += " 将" + std::string(field_word(e.field)) + "改为「" +
                    value_word(e.field, e.to) + "」";
            break;
        case EventAction::Comment:
            line += " 备注：" + e.note;
            break;
    }
    return line;
}

}  // namespace

Announcer::Announcer(const config::Config& config) {
    for (const auto& channel : config.channels) {
        ChannelRoutes routes;
        routes.kind = channel.kind;
        routes.long_connection = channel.long_connection();
        for (const auto& [chat, key] : channel.group_webhooks) routes.webhook_chats.insert(chat);
        channels_.emplace(channel.name, std::move(routes));
    }
}

Route Announcer::route_for(std::string_view channel, GroupKind kind, std::string_view group) const {
    const auto it = channels_.find(channel);
    if (it == channels_.end()) return Route::None;
    switch (it->second.kind) {
        case config::ChannelKind::AiBot:
            // The bot's own push reaches any chat that wrote to it, at any time: preferred.
            if (it->second.long_connection) return Route::AiBotSendMsg;
            if (kind == GroupKind::Chat && it->second.webhook_chats.contains(group)) {
                return Route::Webhook;
            }
            return Route::ResponseUrl;
        case config::ChannelKind::WeCom:
            return Route::AppMessage;
        case config::ChannelKind::Mp:
            return Route::CustomMessage;
    }
    return Route::None;
}

std::vector<Notification> Announcer::announce(const TicketChange& change, const Actor& actor,
                                              const Conversation* where) const {
    const Ticket& t = change.ticket;
    if (change.events.empty()) return {};
    if (where != nullptr && same_conversation(t, *where)) return {};
    Notification n;
    n.route = route_for(t.channel, t.group_kind, t.group);
    n.channel = t.channel;
    n.target = t.group;
    n.order_key = t.channel + "/" + t.group;
    n.markdown = n.route == Route::Webhook || n.route == Route::ResponseUrl ||
                 n.route == Route::AiBotSendMsg;
    // Tell the reporter, unless they made the change themselves.
    if (!t.reporter.empty() && t.reporter != actor.id && t.group_kind == GroupKind::Chat) {
        n.mentions.push_back(t.reporter);
    }
    // The limits count bytes; a mention appended by the client takes a few more.
    const std::size_t limit = n.markdown ? kMaxMarkdownBytes - 128 : kMaxPlainTextBytes;
    n.text = cut_to_bytes(announcement_text(change), limit);
    n.created_at = t.updated_at;
    n.next_attempt_at = t.updated_at;
    return {std::move(n)};
}

std::string announcement_text(const TicketChange& change) {
    const Ticket& t = change.ticket;
    std::string text = "工单 ";
    text += ticket_ref(t.number);
    text += "「" + t.title + "」";
    for (const auto& e : change.events) {
        text += '\n';
        text += event_line(e);
    }
    text += "\n状态：";
    text += status_word(t.status, true);
    text += " · 优先级：";
    text += priority_word(t.priority, true);
    if (!t.assignee.empty()) text += " · 负责人：" + t.assignee;
    return text;
}

}  // namespace groupdesk::tickets
