// Names of channel kinds, as written in the config file.
#include "config/config.h"

namespace groupdesk::config {

std::string_view to_string(ChannelKind kind) noexcept {
    switch (kind) {
        case ChannelKind::WeCom:
            return "wecom";
        case ChannelKind::Mp:
            return "mp";
        case ChannelKind::AiBot:
            return "aibot";
    }
    return "wecom";
}

std::string_view to_string(Transport transport) noexcept {
    return transport == Transport::LongConnection ? "long_connection" : "callback";
}

}  // namespace groupdesk::config
