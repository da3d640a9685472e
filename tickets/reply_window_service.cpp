// ReplyWindowService: conversations for the API, the gate of customer-service sends, and the
// due alerts and nudges.
#include "tickets/reply_window_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <utility>

#include "common/clock.h"
#include "tickets/window_alerts.h"

namespace groupdesk::tickets {
namespace {

using std::chrono::seconds;

// A page of at-risk conversations reads the store in slices; it stops after this many rows even
// when the page is not full, and hands back a cursor, so one request never reads everything.
constexpr std::size_t kListSlice = 200;
constexpr std::size_t kMaxExamined = 5000;
constexpr std::size_t kOpenTicketsShown = 10;
constexpr std::size_t kMaxMessageBytes = 2048;  // message/custom/send text (wecom-protocol.md §7)

// "<deadline>.<channel>.<user>": channel names hold no '.', and the user is the rest.
std::string encode_cursor(const TrackedConversation& row) {
    return std::to_string(to_unix_seconds(row.deadline)) + "." + row.key.channel + "." +
           row.key.user;
}

std::optional<TrackedConversation> decode_cursor(std::string_view text) {
    const auto first = text.find('.');
    if (first == std::string_view::npos) return std::nullopt;
    const auto second = text.find('.', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    std::int64_t deadline = 0;
    const auto digits = text.substr(0, first);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), deadline);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
    TrackedConversation row;
    row.deadline = from_unix_seconds(deadline);
    row.key.channel = std::string(text.substr(first + 1, second - first - 1));
    row.key.user = std::string(text.substr(second + 1));
    if (row.key.channel.empty() || row.key.user.empty()) return std::nullopt;
    return row;
}

Error refused(SendCheck check, std::string message) {
    Error error = make_error(ErrorCode::FailedPrecondition, std::move(message));
    error.public_reason = check == SendCheck::QuotaExhausted ? "quota_exhausted" : "window_closed";
    return error;
}

std::string refusal_reason(const TrackedConversation& row, SendCheck check, time_point now) {
    const auto ago = std::chrono::duration_cast<seconds>(now - row.deadline);
    if (check == SendCheck::WindowClosed) {
        return "reply window of " + row.key.channel + "/" + row.key.user + " closed " +
               std::to_string(ago.count()) + " s ago; the user must write first";
    }
    return "the messages of the reply window of " + row.key.channel + "/" + row.key.user +
           " are used; the user must write first";
}

}  // namespace

WindowSchedule schedule_of(const config::ReplyWindow& config) {
    WindowSchedule schedule;
    // Without a destination there is nobody to alert: no alert times are kept at all.
    if (config.alerts_to.configured()) schedule.lead_times = config.lead_times;
    std::sort(schedule.lead_times.begin(), schedule.lead_times.end(), std::greater<>());
    if (config.nudge) schedule.nudge_before = config.nudge_before;
    return schedule;
}

ReplyWindowService::ReplyWindowService(ConversationStore& conversations, TicketStore& tickets,
                                       OutboxStore& outbox, const config::Config& config)
    : conversations_(conversations),
      tickets_(tickets),
      outbox_(outbox),
      config_(config),
      schedule_(schedule_of(config.reply_window)),
      router_(config) {}

bool ReplyWindowService::tracks(const config::Channel& channel) const {
    return enabled() && channel.kind == config::ChannelKind::Mp;
}

Result<std::vector<Ticket>> ReplyWindowService::open_tickets_of(const ConversationKey& key) {
    TicketQuery query;
    query.statuses = {TicketStatus::Open, TicketStatus::InProgress};
    query.channel = key.channel;
    query.group = key.user;
    query.limit = kOpenTicketsShown;
    auto page = tickets_.list(query);
    if (!page.ok()) return std::move(page).error();
    std::erase_if(page->tickets, [](const Ticket& t) { return t.group_kind != GroupKind::User; });
    return std::move(page->tickets);
}

Result<ConversationView> ReplyWindowService::view_of(TrackedConversation row, time_point now) {
    auto tickets = open_tickets_of(row.key);
    if (!tickets.ok()) return std::move(tickets).error();
    ConversationView view{std::move(row), {}, false};
    for (const auto& t : *tickets) view.open_tickets.push_back(t.number);
    view.at_risk = view.conversation.open_at(now) &&
                   (view.conversation.waiting() || !view.open_tickets.empty());
    return view;
}

Result<ConversationPage> ReplyWindowService::list(const ConversationListQuery& query,
                                                  time_point now) {
    if (query.limit == 0 || query.limit > kMaxPageSize) {
        return field_error("limit", "must be 1 to 100");
    }
    ConversationQuery slice;
    slice.channel = query.channel;
    slice.open_at = now;
    slice.limit = query.at_risk ? kListSlice : query.limit;
    if (query.after) {
        slice.after = decode_cursor(*query.after);
        if (!slice.after) return field_error("after", "is not a cursor of this list");
    }
    ConversationPage page;
    std::size_t examined = 0;
    for (;;) {
        auto rows = conversations_.list(slice);
        if (!rows.ok()) return std::move(rows).error();
        std::size_t read = 0;
        for (auto& row : *rows) {
            ++read;
            auto made = view_of(std::move(row), now);
            if (!made.ok()) return std::move(made).error();
            ConversationView& view = *made;
            slice.after = view.conversation;
            if (query.at_risk && !view.at_risk) continue;
            page.conversations.push_back(std::move(view));
            if (page.conversations.size() == query.limit) break;
        }
        examined += read;
        // More may follow: rows of this slice not looked at, or a full slice.
        const bool more = read < rows->size() || rows->size() == slice.limit;
        if (!more) break;
        if (page.conversations.size() == query.limit || examined >= kMaxExamined) {
            page.next_after = encode_cursor(*slice.after);
            break;
        }
    }
    return page;
}

Result<std::optional<ConversationView>> ReplyWindowService::find(const ConversationKey& key,
                                                                 time_point now) {
    auto row = conversations_.find(key);
    if (!row.ok()) return std::move(row).error();
    if (!row->has_value()) return std::optional<ConversationView>{};
    auto view = view_of(std::move(**row), now);
    if (!view.ok()) return std::move(view).error();
    return std::optional<ConversationView>{std::move(view).value()};
}

Result<Notification> ReplyWindowService::send_message(const ConversationKey& key,
                                                      const std::string& text,
                                                      const std::string& actor, time_point now) {
    if (text.empty()) return field_error("text", "must not be empty");
    if (text.size() > kMaxMessageBytes) {
        return field_error("text", "must be at most 2048 bytes");
    }
    const config::Channel* channel = config_.find_channel(key.channel);
    if (channel == nullptr || !tracks(*channel)) {
        return with_public_reason(
            make_error(ErrorCode::NotFound, "no tracked channel " + key.channel),
            "no such conversation");
    }
    auto row = conversations_.find(key);
    if (!row.ok()) return std::move(row).error();
    if (!row->has_value()) {
        return with_public_reason(
            make_error(ErrorCode::NotFound, "no conversation with " + key.channel + "/" + key.user),
            "no such conversation");
    }
    if (const SendCheck check = check_send(**row, now); check != SendCheck::Allowed) {
        return refused(check, refusal_reason(**row, check, now));
    }
    Notification n;
    n.kind = NotificationKind::Message;
    n.route = Route::CustomMessage;
    n.channel = key.channel;
    n.target = key.user;
    n.order_key = key.channel + "/" + key.user;
    n.text = text;
    n.created_at = now;
    n.next_attempt_at = now;
    auto ids = outbox_.enqueue({n}, now);
    if (!ids.ok()) return std::move(ids).error();
    n.id = ids->front();
    spdlog::info("reply window: {} queued message {} to {}/{}", actor, n.id, key.channel, key.user);
    return n;
}

Result<SendGate::Verdict> ReplyWindowService::reserve(const Notification& row, time_point now) {
    const config::Channel* channel = config_.find_channel(row.channel);
    if (channel == nullptr || !tracks(*channel)) return Verdict{};
    auto verdict = std::make_shared<Verdict>();
    ConversationEdit edit = [verdict, now](std::optional<TrackedConversation>& c) {
        // No record: the user never wrote since tracking began. The platform decides, and its
        // 45015 still lands here through settle().
        if (!c) return false;
        verdict->check = check_send(*c, now);
        if (verdict->check != SendCheck::Allowed) {
            verdict->why = refusal_reason(*c, verdict->check, now);
            return false;
        }
        --c->quota_left;
        return true;
    };
    Status saved =
        update_and_wait(conversations_, {{{row.channel, row.target}, std::move(edit)}}, {}, now);
    if (!saved.ok()) return std::move(saved).error();
    return *verdict;
}

void ReplyWindowService::settle(const Notification& row, time_point now, const Status& sent) {
    const config::Channel* channel = config_.find_channel(row.channel);
    if (channel == nullptr || !tracks(*channel)) return;
    const int errcode = sent.ok() ? 0 : sent.error().detail;
    const bool answered = sent.ok() && row.kind != NotificationKind::Nudge;
    const std::size_t stages = schedule_.lead_times.size();
    ConversationEdit edit = [answered, errcode, ok = sent.ok(), now,
                             stages](std::optional<TrackedConversation>& c) {
        if (!c) return false;
        if (ok) {
            if (answered) apply_answer(*c, now);
            return answered;
        }
        if (errcode == kErrcodeWindowClosed) {
            // The platform's clock and knowledge win (an unfollow we missed, a clock skew).
            c->deadline = std::min<time_point>(c->deadline, std::chrono::floor<seconds>(now));
            c->alerts_done = stages;
            c->nudged = true;
            c->next_alert_at.reset();
        } else if (errcode == kErrcodeQuotaExhausted) {
            c->quota_left = 0;
        } else if (errcode != 0) {
            // The platform answered and refused: the message did not count.
            c->quota_left = std::min(c->quota_left + 1, grant_of(c->opened_by).messages);
        } else {
            return false;  // no answer at all: it may have counted; keep it used
        }
        return true;
    };
    Status saved =
        update_and_wait(conversations_, {{{row.channel, row.target}, std::move(edit)}}, {}, now);
    if (!saved.ok()) {
        spdlog::warn("reply window: recording the send of notification {} failed: {}", row.id,
                     saved.error().message);
    }
}

std::vector<Notification> ReplyWindowService::refusal_alerts(const Notification& row,
                                                             DeliveryState state,
                                                             const std::string& /*why*/,
                                                             time_point now) {
    if (row.kind == NotificationKind::Alert || row.kind == NotificationKind::Nudge ||
        !router_.configured()) {
        return {};
    }
    std::string assignee;
    if (row.ticket != 0) {
        auto ticket = tickets_.find(row.ticket);
        if (ticket.ok() && ticket->has_value()) assignee = (*ticket)->assignee;
    }
    return router_.rows("消息未发出", {refusal_line(row, state, row.ticket, assignee)}, now);
}

Result<std::size_t> ReplyWindowService::run_due(time_point now, std::size_t limit) {
    auto due = conversations_.due(now, limit);
    if (!due.ok()) return std::move(due).error();
    std::vector<AlertLine> lines;
    std::vector<Notification> nudges;
    std::vector<ConversationUpdate> updates;
    for (const auto& row : *due) {
        const DueWork work = due_work(row, now, schedule_);
        if (work.alert_stage || work.nudge) {
            auto open = open_tickets_of(row.key);
            if (!open.ok()) return std::move(open).error();
            // An answered user with no open ticket needs nobody: the stage passes silently.
            const bool needed = row.waiting() || !open->empty();
            // The newest open ticket: its number and assignee go into the alert.
            const std::int64_t ticket = open->empty() ? 0 : open->front().number;
            const std::string assignee = open->empty() ? "" : open->front().assignee;
            if (work.alert_stage && needed && router_.configured()) {
                lines.push_back(closing_line(row, ticket, assignee, now));
            }
            if (work.nudge && needed && row.quota_left > 0) {
                Notification n;
                n.kind = NotificationKind::Nudge;
                n.route = Route::CustomMessage;
                n.ticket = ticket;
                n.channel = row.key.channel;
                n.target = row.key.user;
                n.order_key = row.key.channel + "/" + row.key.user;
                n.text = config_.reply_window.nudge_text;
                n.created_at = now;
                n.next_attempt_at = now;
                nudges.push_back(std::move(n));
            }
        }
        // Applied only to the window that was read: a message that renewed it meanwhile set a
        // schedule of its own.
        updates.push_back({row.key, [seen = row, work](std::optional<TrackedConversation>& c) {
                               if (!c || c->window_opened_at != seen.window_opened_at ||
                                   c->deadline != seen.deadline ||
                                   c->alerts_done != seen.alerts_done || c->nudged != seen.nudged) {
                                   return false;
                               }
                               c->alerts_done = work.alerts_done;
                               c->nudged = work.nudged;
                               c->next_alert_at = work.next_alert_at;
                               return true;
                           }});
    }
    if (updates.empty()) return std::size_t{0};
    std::vector<Notification> rows = router_.rows("回复窗口即将关闭", lines, now);
    for (auto& n : nudges) rows.push_back(std::move(n));
    Status saved = update_and_wait(conversations_, std::move(updates), std::move(rows), now);
    if (!saved.ok()) return std::move(saved).error();
    if (!lines.empty()) {
        spdlog::info("reply window: {} conversation(s) close soon; agents alerted", lines.size());
    }
    return due->size();
}

}  // namespace groupdesk::tickets
