// SendGate: what the outbox worker asks before and after a customer-service message to an
// Official Account user, so that nothing is sent into a closed window and nothing is refused
// silently (tickets/reply_window_service.h implements it).
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "tickets/notification.h"
#include "tickets/reply_window.h"

namespace groupdesk::tickets {

class SendGate {
public:
    virtual ~SendGate() = default;

    struct Verdict {
        SendCheck check = SendCheck::Allowed;
        std::string why;  // for a refusal: what closed, and when
    };
    // Before sending `row` (route CustomMessage): Allowed reserves one message of the window's
    // quota, durably, before the call is made. An error (the store failed) means: try later.
    [[nodiscard]] virtual Result<Verdict> reserve(const Notification& row, time_point now) = 0;

    // After the call: delivered → the user has an answer (a nudge is not one); the platform's
    // 45015 / 45047 → the record learns that the window closed / the quota is used; any other
    // errcode means the platform did not count the message, and the reservation is returned.
    virtual void settle(const Notification& row, time_point now, const Status& sent) = 0;

    // The agents' alert about a refused row (none for alerts and nudges), stored with the
    // refusal in one transaction.
    virtual std::vector<Notification> refusal_alerts(const Notification& row, DeliveryState state,
                                                     const std::string& why, time_point now) = 0;
};

// The platform's errcodes for a closed window and a used quota (wecom-protocol.md §7).
inline constexpr int kErrcodeWindowClosed = 45015;
inline constexpr int kErrcodeQuotaExhausted = 45047;

}  // namespace groupdesk::tickets
