// ApiClient: what GroupDesk asks the platforms to do — the sends the outbox worker makes, and the
// one read the keyword import makes. The implementation (wecom_api_client.h) knows the URLs,
// bodies, access tokens and error codes.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "config/config.h"

namespace groupdesk::wecom {

struct OutboundMessage {
    bool markdown = false;              // markdown where the API takes it; plain text otherwise
    std::string content;                // within the API's size limit already
    std::vector<std::string> mentions;  // user ids to @-mention (where the API can)
};

// An Official Account template message (wecom-protocol.md §14.2): for users whose 48-hour
// window has closed, on verified service accounts.
struct TemplateMessage {
    std::string template_id;
    std::string url;                                        // omitted when empty
    std::vector<std::pair<std::string, std::string>> data;  // field name → value
    // The platform's "防重入id": the same id to the same user is sent once, so a resend after a
    // crash is not a second message. At most 64 bytes.
    std::string client_msg_id;
};

// Every call blocks for at most the configured total timeout and never throws. Errors:
// - Unavailable: worth retrying later — network error, timeout, HTTP 5xx, or a retryable errcode
//   (-1 busy, 45009/45011/45033 frequency limits); `detail` is the errcode, 0 for transport.
// - anything else: permanent for this message (invalid key 93000, no permission 48002, not a
//   follower 43004, …); `detail` is the errcode.
// Error::message holds "errcode N: errmsg" or the transport's reason, with every access_token
// and key masked, ready for a log line; public_reason stays a fixed text.
class ApiClient {
public:
    virtual ~ApiClient() = default;

    // Group robot: POST {wecom_api_base}/cgi-bin/webhook/send?key=KEY (no token; §11).
    [[nodiscard]] virtual Status send_webhook(std::string_view key,
                                              const OutboundMessage& message) = 0;
    // AI bot: a plain POST of the message to a one-shot response_url (§6).
    [[nodiscard]] virtual Status post_response_url(std::string_view url,
                                                   const OutboundMessage& message) = 0;
    // WeCom app: message/send to one member, with the channel's agent_id and secret (§7).
    [[nodiscard]] virtual Status send_app_message(const config::Channel& channel,
                                                  std::string_view user,
                                                  const OutboundMessage& message) = 0;
    // Official Account: message/custom/send to one follower (§7; the 48-hour rule applies).
    [[nodiscard]] virtual Status send_custom_message(const config::Channel& channel,
                                                     std::string_view openid,
                                                     const OutboundMessage& message) = 0;
    // Official Account: message/template/send to one follower (§14.2; outside the window).
    [[nodiscard]] virtual Status send_template_message(const config::Channel& channel,
                                                       std::string_view openid,
                                                       const TemplateMessage& message) = 0;
    // Official Account: the auto-reply rules set in its backend, as the platform's JSON text
    // (GET {mp_api_base}/cgi-bin/get_current_autoreply_info, §14.1), for the keyword import.
    // An errcode answer is the errcode's error, as for the sends.
    [[nodiscard]] virtual Result<std::string> get_autoreply_info(
        const config::Channel& channel) = 0;
};

}  // namespace groupdesk::wecom
