// Alert words and destinations: one line per conversation, lines grouped into rows per
// destination (the webhook allows 20 messages a minute, so a burst of due alerts must share).
#include "tickets/window_alerts.h"

#include <map>
#include <utility>

#include "tickets/words.h"

namespace groupdesk::tickets {
namespace {

constexpr std::size_t kQuotedChars = 40;

std::string ticket_part(std::int64_t ticket, const std::string& assignee) {
    if (ticket == 0) return "";
    std::string part = " · 工单 " + ticket_ref(ticket);
    if (!assignee.empty()) part += "（负责人 " + assignee + "）";
    return part;
}

std::string who(const std::string& channel, const std::string& user) {
    return "公众号 " + channel + " 用户 " + user;
}

Notification alert_row(Route route, std::string channel, std::string target, bool markdown,
                       std::string text, time_point now) {
    Notification n;
    n.kind = NotificationKind::Alert;
    n.route = route;
    n.order_key = "alerts/" + (channel.empty() ? std::string("agents") : channel + "/" + target);
    n.channel = std::move(channel);
    n.target = std::move(target);
    n.markdown = markdown;
    n.text = std::move(text);
    n.created_at = now;
    n.next_attempt_at = now;
    return n;
}

// Lines packed into texts of at most `limit` bytes, each starting with the title.
std::vector<std::string> pack(const std::string& title, const std::vector<const AlertLine*>& lines,
                              std::size_t limit) {
    std::vector<std::string> texts;
    std::string text;
    for (const AlertLine* line : lines) {
        const std::string item = "\n· " + line->text;
        if (!text.empty() && text.size() + item.size() > limit) {
            texts.push_back(std::move(text));
            text.clear();
        }
        if (text.empty()) text = title;
        text += item;
    }
    if (!text.empty()) texts.push_back(cut_to_bytes(text, limit));
    return texts;
}

}  // namespace

AlertLine closing_line(const TrackedConversation& row, std::int64_t ticket,
                       const std::string& assignee, time_point now) {
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(row.deadline - now);
    std::string text = who(row.key.channel, row.key.user) + "：回复窗口还剩 " + span_words(left) +
                       "（可发 " + std::to_string(row.quota_left) + " 条）";
    text += ticket_part(ticket, assignee);
    if (!row.last_excerpt.empty()) text += " · 最后一条：「" + row.last_excerpt + "」";
    return AlertLine{std::move(text), assignee, ticket};
}

AlertLine refusal_line(const Notification& row, DeliveryState state, std::int64_t ticket,
                       const std::string& assignee) {
    std::string text = who(row.channel, row.target) + "：";
    text +=
        state == DeliveryState::QuotaExhausted ? "本窗口可发的消息已用完" : "48 小时回复窗口已关闭";
    text += "，要等用户再发消息才能回复";
    text += ticket_part(ticket, assignee);
    text += " · 未发出：「" + std::string(prefix_chars(row.text, kQuotedChars)) + "」";
    return AlertLine{std::move(text), assignee, ticket};
}

AlertRouter::AlertRouter(const config::Config& config) : config_(config), routes_(config) {}

std::vector<Notification> AlertRouter::rows(const std::string& title,
                                            const std::vector<AlertLine>& lines,
                                            time_point now) const {
    const auto& to = config_.reply_window.alerts_to;
    std::map<std::string, std::vector<const AlertLine*>> by_assignee;
    std::vector<const AlertLine*> group;
    for (const auto& line : lines) {
        if (to.assignee && !line.assignee.empty() && !to.app_channel.empty()) {
            by_assignee[line.assignee].push_back(&line);
        } else {
            group.push_back(&line);
        }
    }
    std::vector<Notification> out;
    auto add = [&](Route route, const std::string& channel, const std::string& target,
                   const std::vector<const AlertLine*>& some) {
        const bool markdown =
            route == Route::Webhook || route == Route::ResponseUrl || route == Route::AiBotSendMsg;
        const std::string heading = markdown ? "**" + title + "**" : title;
        const std::size_t limit = markdown ? kMaxMarkdownBytes - 128 : kMaxPlainTextBytes;
        for (auto& text : pack(heading, some, limit)) {
            out.push_back(alert_row(route, channel, target, markdown, std::move(text), now));
            // One conversation's alert is also listed with its ticket's notifications.
            if (some.size() == 1) out.back().ticket = some.front()->ticket;
        }
    };
    for (const auto& [assignee, some] : by_assignee) {
        add(Route::AppMessage, to.app_channel, assignee, some);
    }
    if (group.empty()) return out;
    if (!to.webhook_key.empty()) {
        // The key is a secret: the worker takes it from the config, the row names no channel.
        add(Route::Webhook, "", "agents", group);
    } else if (!to.aibot_chat.empty()) {
        add(routes_.route_for(to.aibot_channel, GroupKind::Chat, to.aibot_chat), to.aibot_channel,
            to.aibot_chat, group);
    }
    return out;
}

}  // namespace groupdesk::tickets
