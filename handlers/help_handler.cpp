// Welcome events and the help command.
#include "handlers/help_handler.h"

#include <algorithm>
#include <array>

#include "common/ascii.h"
#include "handlers/mention.h"

namespace groupdesk::handlers {
namespace {

// Events on which a user meets the assistant for the first time. Official Accounts send
// "subscribe" on follow; the AI bot sends "enter_chat" on the first single chat of the day.
bool is_welcome_event(const wecom::EventBody& event) {
    return ascii_iequals(event.event, "subscribe") || ascii_iequals(event.event, "enter_chat");
}

}  // namespace

bool is_help_request(std::string_view text) {
    static constexpr std::array<std::string_view, 5> kWords = {"help", "帮助", "?", "？", "菜单"};
    text = strip_leading_mention(text);
    if (text.empty()) return true;  // a bare "@assistant"
    return std::any_of(kWords.begin(), kWords.end(),
                       [&](std::string_view w) { return ascii_iequals(text, w); });
}

HelpTexts default_help_texts() {
    return HelpTexts{
        "您好，我是 GroupDesk 客服助手。发送“帮助”查看我能做什么。",
        "GroupDesk 客服助手 · 工单指令（群里请先 @我）\n"
        "· 工单 标题 — 新建工单；下一行可写 分类: / 优先级: 低|中|高|紧急 / 描述: / 负责人: @某人\n"
        "· 查询 #12 — 查看工单\n"
        "· 列表 [待处理|我的|全部] — 本群的工单\n"
        "· 备注 #12 内容 — 添加备注\n"
        "· 指派 #12 @某人、接单 #12、解决 #12 [说明]、关闭 #12、重开 #12 [原因] — 客服使用\n"
        "English: ticket <title> · status #12 · list [open|mine|all] · comment #12 <text> · "
        "assign #12 @name · start · resolve · close · reopen #12\n"
        "· 发送“帮助”（或 help）随时查看本说明",
    };
}

Outcome HelpHandler::handle(const wecom::InboundMessage& msg, Context& /*ctx*/) {
    if (const auto* event = std::get_if<wecom::EventBody>(&msg.body)) {
        return is_welcome_event(*event) ? Outcome::reply(wecom::TextReply{texts_.welcome})
                                        : Outcome::pass();
    }
    if (const auto* text = std::get_if<wecom::TextBody>(&msg.body)) {
        if (is_help_request(text->content)) return Outcome::reply(wecom::TextReply{texts_.help});
    }
    return Outcome::pass();
}

}  // namespace groupdesk::handlers
