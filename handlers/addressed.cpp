// Text addressed to the assistant.
#include "handlers/addressed.h"

#include "handlers/mention.h"

namespace groupdesk::handlers {

bool in_group(const wecom::InboundMessage& msg) {
    return msg.kind == config::ChannelKind::AiBot && msg.chat_type == wecom::ChatType::Group &&
           !msg.chat_id.empty();
}

std::optional<std::string> message_text(const wecom::MessageBody& body) {
    if (const auto* text = std::get_if<wecom::TextBody>(&body)) return text->content;
    if (const auto* mixed = std::get_if<wecom::MixedBody>(&body)) {
        std::string joined;
        for (const auto& item : mixed->items) {
            if (item.is_image || item.text.empty()) continue;
            if (!joined.empty()) joined += '\n';
            joined += item.text;
        }
        return joined;
    }
    return std::nullopt;
}

std::optional<std::string> addressed_text(const wecom::InboundMessage& msg,
                                          const config::Channel& channel) {
    const auto text = message_text(msg.body);
    if (!text) return std::nullopt;
    if (!in_group(msg)) return std::string(strip_leading_mention(*text));
    const auto stripped = strip_bot_mentions(*text, channel.bot_names);
    if (!stripped) return std::nullopt;
    return std::string(*stripped);
}

}  // namespace groupdesk::handlers
