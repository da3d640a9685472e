// The wire form of an AI-bot template card (protocol brief §10.1, §10.3), kept apart from the
// rest of the JSON codec so each stays small. Keys come in the order of the official samples.
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "wecom/message.h"

namespace groupdesk::wecom::details {

// The platform shows at most this many buttons and horizontal_content_list lines.
inline constexpr std::size_t kMaxCardButtons = 6;
inline constexpr std::size_t kMaxCardFields = 6;

// {"card_type":"button_interaction","task_id":…,"main_title":{…},…}; empty optional parts are
// left out, and lists past the platform's counts are cut.
nlohmann::ordered_json card_json(const TemplateCard& card);

// {"msgtype":"template_card","template_card":{…}}: a new card, to a message or enter_chat.
nlohmann::ordered_json new_card_reply(const TemplateCard& card);

// {"response_type":"update_template_card","userids":[…],"template_card":{…}}: the answer to a
// click; "userids" is left out when empty, which means everyone the card reached.
nlohmann::ordered_json card_update_reply(const TemplateCard& card,
                                         const std::vector<std::string>& userids);

}  // namespace groupdesk::wecom::details
