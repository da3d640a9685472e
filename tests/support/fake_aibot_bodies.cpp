// Message and event bodies as the AI-bot platform sends them (wecom-protocol.md §6, §10.2), kept
// apart from the Beast server so they cost no Beast compile.
#include <chrono>
#include <string>

#include "tests/support/fake_aibot_server.h"

namespace groupdesk::test {

namespace {

// The bot id of FakeAiBotServer's default Options.
constexpr const char* kBotId = "test-bot";

std::string response_url(std::string_view msgid) {
    return "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=rc-" +
           std::string(msgid);
}

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

nlohmann::json aibot_text_body(std::string_view msgid, std::string_view user, std::string_view chat,
                               std::string_view content) {
    nlohmann::json body{{"msgid", msgid}, {"aibotid", kBotId}};
    if (!chat.empty()) body["chatid"] = chat;  // only group messages carry a chatid
    body["chattype"] = chat.empty() ? "single" : "group";
    body["from"] = {{"userid", user}};
    body["msgtype"] = "text";
    body["text"] = {{"content", content}};
    body["response_url"] = response_url(msgid);
    return body;
}

nlohmann::json aibot_card_click_body(std::string_view msgid, std::string_view user,
                                     std::string_view chat, std::string_view event_key,
                                     std::string_view task_id) {
    const nlohmann::json card{
        {"card_type", "button_interaction"}, {"event_key", event_key}, {"task_id", task_id}};
    return nlohmann::json{
        {"msgid", msgid},
        {"create_time", now_seconds()},
        {"aibotid", kBotId},
        {"from", {{"userid", user}}},
        {"chatid", chat},
        {"chattype", "group"},
        {"response_url", response_url(msgid)},
        {"msgtype", "event"},
        {"event", {{"eventtype", "template_card_event"}, {"template_card_event", card}}}};
}

}  // namespace groupdesk::test
