// The markdown mention rule shared by the API client and the long-connection frames.
#include "wecom/details/markdown_mentions.h"

#include <cstddef>

namespace groupdesk::wecom::details {

std::string markdown_with_mentions(const OutboundMessage& message) {
    std::string content = message.content;
    if (message.mentions.empty()) return content;
    content += '\n';
    for (std::size_t i = 0; i < message.mentions.size(); ++i) {
        if (i > 0) content += ' ';
        content += "<@" + message.mentions[i] + ">";
    }
    return content;
}

}  // namespace groupdesk::wecom::details
