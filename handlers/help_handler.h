// HelpHandler, last in the chain: greets users when they first meet the assistant and answers
// "help" (帮助), so that nobody is met with silence when asking how to use it.
#pragma once

#include <string>

#include "handlers/handler.h"

namespace groupdesk::handlers {

struct HelpTexts {
    std::string welcome;
    std::string help;
};

// "help", "帮助", "?", "菜单" or a bare mention, after the leading mention: what the help
// handler answers, and what no default keyword reply may take from it.
bool is_help_request(std::string_view text);

// The texts shipped by default (Chinese first; the users are in WeChat groups).
HelpTexts default_help_texts();

class HelpHandler final : public Handler {
public:
    explicit HelpHandler(HelpTexts texts) : texts_(std::move(texts)) {}

    std::string_view name() const override { return "help"; }
    Outcome handle(const wecom::InboundMessage& msg, Context& ctx) override;

private:
    HelpTexts texts_;
};

}  // namespace groupdesk::handlers
