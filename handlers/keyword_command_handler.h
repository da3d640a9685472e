// KeywordCommandHandler: admins edit keyword replies from the chat —
//   关键词 添加 退款, 退货 => 退款请提供订单号…   (keyword add refund => …)
//   关键词 删除 12                               (keyword rm 12)
//   关键词 列表                                  (keyword list)
//   关键词 测试 我想退款                          (keyword test I want a refund)
// Anyone else is told that only admins may. A message that is no keyword command passes on.
#pragma once

#include "handlers/handler.h"
#include "handlers/roles.h"
#include "keywords/keyword_service.h"

namespace groupdesk::handlers {

// Exactly once: a rule added from the chat carries the callback's source key as its origin, so
// a retried callback finds the rule its first delivery made instead of adding a second.
class KeywordCommandHandler final : public Handler {
public:
    // Both outlive the handler.
    KeywordCommandHandler(keywords::KeywordService& rules, const Roles& roles)
        : rules_(rules), roles_(roles) {}

    std::string_view name() const override { return "keyword-commands"; }
    Outcome handle(const wecom::InboundMessage& msg, Context& ctx) override;

private:
    keywords::KeywordService& rules_;
    const Roles& roles_;
};

}  // namespace groupdesk::handlers
