// The agents' alerts about reply windows: their words, and the outbox rows that carry them to
// the configured destination (reply_window.alerts_to).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "tickets/announcer.h"
#include "tickets/notification.h"
#include "tickets/reply_window.h"

namespace groupdesk::tickets {

// One conversation's line in an alert.
struct AlertLine {
    std::string text;
    std::string assignee;     // of its newest open ticket; empty when none
    std::int64_t ticket = 0;  // its newest open ticket; 0 when none
};

// "公众号 mp 用户 oABC：回复窗口还剩 59分（可发 5 条）· 工单 #12 · 最后一条：「…」".
AlertLine closing_line(const TrackedConversation& row, std::int64_t ticket,
                       const std::string& assignee, time_point now);
// A message that was not sent: to whom, why, and the start of what it said.
AlertLine refusal_line(const Notification& row, DeliveryState state, std::int64_t ticket,
                       const std::string& assignee);

class AlertRouter {
public:
    // Keeps a reference to `config`, which outlives the router.
    explicit AlertRouter(const config::Config& config);

    // Whether alerts have anywhere to go.
    bool configured() const { return config_.reply_window.alerts_to.configured(); }

    // The rows for `lines` under `title`: to each line's assignee by WeCom app message when
    // alerts_to.assignee is on and the line has one, to the agents' group otherwise. Lines for
    // one destination share rows, each within its route's size limit. Lines with nowhere to go
    // are left out.
    std::vector<Notification> rows(const std::string& title, const std::vector<AlertLine>& lines,
                                   time_point now) const;

private:
    const config::Config& config_;
    Announcer routes_;
};

}  // namespace groupdesk::tickets
