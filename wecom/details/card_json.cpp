// Template card encoding for the AI bot's passive replies.
#include "wecom/details/card_json.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace groupdesk::wecom::details {
namespace {

using OrderedJson = nlohmann::ordered_json;

// The platform knows styles 1–4; an unknown style could make it refuse the whole card.
int button_style(int style) { return style >= 1 && style <= 4 ? style : 1; }

OrderedJson card_action_json(const CardAction& action) {
    OrderedJson out;
    out["type"] = action.type;
    if (!action.url.empty()) out["url"] = action.url;
    if (!action.appid.empty()) out["appid"] = action.appid;
    if (!action.pagepath.empty()) out["pagepath"] = action.pagepath;
    return out;
}

}  // namespace

OrderedJson card_json(const TemplateCard& card) {
    OrderedJson out;
    out["card_type"] = "button_interaction";
    if (!card.task_id.empty()) out["task_id"] = card.task_id;
    out["main_title"]["title"] = card.main_title.title;
    if (!card.main_title.desc.empty()) out["main_title"]["desc"] = card.main_title.desc;
    if (!card.sub_title_text.empty()) out["sub_title_text"] = card.sub_title_text;
    if (!card.horizontal_content_list.empty()) {
        OrderedJson lines = OrderedJson::array();
        const std::size_t count = std::min(card.horizontal_content_list.size(), kMaxCardFields);
        for (std::size_t i = 0; i < count; ++i) {
            const CardField& f = card.horizontal_content_list[i];
            lines.push_back(OrderedJson{{"keyname", f.keyname}, {"value", f.value}});
        }
        out["horizontal_content_list"] = std::move(lines);
    }
    OrderedJson buttons = OrderedJson::array();
    const std::size_t count = std::min(card.button_list.size(), kMaxCardButtons);
    for (std::size_t i = 0; i < count; ++i) {
        const CardButton& b = card.button_list[i];
        buttons.push_back(
            OrderedJson{{"text", b.text}, {"style", button_style(b.style)}, {"key", b.key}});
    }
    // Required for button_interaction, so written even when empty: a card without buttons is
    // the caller's mistake and the platform's error says so.
    out["button_list"] = std::move(buttons);
    if (card.card_action) out["card_action"] = card_action_json(*card.card_action);
    return out;
}

OrderedJson new_card_reply(const TemplateCard& card) {
    OrderedJson out;
    out["msgtype"] = "template_card";
    out["template_card"] = card_json(card);
    return out;
}

OrderedJson card_update_reply(const TemplateCard& card, const std::vector<std::string>& userids) {
    OrderedJson out;
    out["response_type"] = "update_template_card";
    if (!userids.empty()) out["userids"] = userids;
    out["template_card"] = card_json(card);
    return out;
}

}  // namespace groupdesk::wecom::details
