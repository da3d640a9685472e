// Tests for the reply_window section and an mp channel's template_fallback: defaults, good values,
// one message per broken rule naming its field, and the webhook key never printed.
#include "config/details/reply_window_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>

#include "config/config_loader.h"
#include "tests/config/config_test_support.h"

namespace groupdesk::config {
namespace {

using test::Case;
using test::expect_single_errors;
using test::load;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

constexpr const char* kWebhookKey = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";

std::string app(const std::string& name, int agent_id) {
    return R"({"name": ")" + name + R"(", "kind": "wecom", "token": "tok", "receive_id": "ww1",
               "encoding_aes_key": ")" +
           std::string(test::kWeComKey) + R"(", "agent_id": )" + std::to_string(agent_id) + "}";
}
const std::string kBot = R"({"name": "group-bot", "kind": "aibot", "token": "t",
                             "encoding_aes_key": ")" +
                         std::string(test::kBotKey) + "\"}";
const std::string kOa = R"({"name": "oa", "kind": "mp", "token": "t")";

// A document with this reply_window section, one app with an agent_id, a bot and an OA.
std::string with_window(const std::string& section,
                        const std::string& channels = app("corp-app", 1000002) + ", " + kBot +
                                                      ", " + kOa + "}") {
    return R"({"reply_window": )" + section + R"(, "channels": [)" + channels + "]}";
}

// A document whose OA channel has these extra members.
std::string with_oa(const std::string& members) {
    return test::with_channels(kOa + ", " + members + "}");
}

// The config of a document that must load; an empty one (after a failure) when it does not.
Config loaded(const std::string& text, const EnvLookup& env = test::no_env()) {
    LoadResult result = load(text, env);
    EXPECT_TRUE(result.config.has_value()) << testing::PrintToString(result.errors);
    Config config;
    if (result.config) config = std::move(*result.config);
    return config;
}

TEST(ReplyWindowRules, DefaultsAreOnWithoutAlertsAndNoNudge) {
    const Config c = loaded(test::with_top(R"("log": {"level": "info"})"));
    EXPECT_TRUE(c.reply_window.enabled);
    EXPECT_FALSE(c.reply_window.alerts_to.configured());
    EXPECT_THAT(c.reply_window.lead_times, ElementsAre(24h, 6h, 1h));
    EXPECT_FALSE(c.reply_window.nudge);
    EXPECT_EQ(c.reply_window.nudge_before, 2h);
    EXPECT_FALSE(c.reply_window.nudge_text.empty());
    EXPECT_TRUE(c.channels[0].template_fallback.template_id.empty());
}

TEST(ReplyWindowRules, ReadsEveryFieldAndSortsLeadTimesLongestFirst) {
    const Config c = loaded(with_window(std::string(R"({"enabled": false,
        "alerts_to": {"webhook_key": ")") +
                                        kWebhookKey + R"("},
        "lead_times": ["1h", "90m", "30s"],
        "nudge": {"enabled": true, "before": "3h", "text": "还在处理，回复任意消息可继续"}})"));
    const ReplyWindow& w = c.reply_window;
    EXPECT_FALSE(w.enabled);
    EXPECT_EQ(w.alerts_to.webhook_key, kWebhookKey);
    EXPECT_TRUE(w.alerts_to.configured());
    EXPECT_THAT(w.lead_times, ElementsAre(90min, 1h, 30s));
    EXPECT_TRUE(w.nudge);
    EXPECT_EQ(w.nudge_before, 3h);
    EXPECT_EQ(w.nudge_text, "还在处理，回复任意消息可继续");
}

TEST(ReplyWindowRules, AibotChatIsSplitIntoChannelAndChat) {
    const Config c =
        loaded(with_window(R"({"alerts_to": {"aibot_chat": "group-bot/wrOgQhDgAA"}})"));
    EXPECT_EQ(c.reply_window.alerts_to.aibot_channel, "group-bot");
    EXPECT_EQ(c.reply_window.alerts_to.aibot_chat, "wrOgQhDgAA");
    EXPECT_TRUE(c.reply_window.alerts_to.webhook_key.empty());
}

TEST(ReplyWindowRules, AssigneeAlertsGoThroughTheOnlyAppWithAnAgentId) {
    const Config only = loaded(with_window(R"({"alerts_to": {"assignee": true}})"));
    EXPECT_TRUE(only.reply_window.alerts_to.assignee);
    EXPECT_EQ(only.reply_window.alerts_to.app_channel, "corp-app");

    const std::string two = app("corp-app", 1000002) + ", " + app("hr-app", 1000003) + ", " + kBot;
    const Config named = loaded(with_window(
        R"({"alerts_to": {"assignee": true, "app_channel": "hr-app",
                          "aibot_chat": "group-bot/wrOgQhDgAA"}})",
        two));
    EXPECT_EQ(named.reply_window.alerts_to.app_channel, "hr-app");
    EXPECT_EQ(named.reply_window.alerts_to.aibot_chat, "wrOgQhDgAA");
}

TEST(ReplyWindowRules, EachBrokenRuleNamesItsField) {
    const std::string no_agent = app("corp-app", 1000002) + R"(, {"name": "plain", "kind": "wecom",
        "token": "tok", "receive_id": "ww1", "encoding_aes_key": ")" +
                                 std::string(test::kWeComKey) + "\"}, " + kBot;
    const std::string none = kBot + ", " + kOa + "}";
    const std::string two = app("corp-app", 1000002) + ", " + app("hr-app", 1000003);
    expect_single_errors({
        {with_window("[]"), "reply_window: must be an object"},
        {with_window(R"({"enable": true})"), "reply_window.enable: unknown key"},
        {with_window(R"({"enabled": "yes"})"), "reply_window.enabled: must be true or false"},
        {with_window(R"({"alerts_to": "ops"})"), "reply_window.alerts_to: must be an object"},
        {with_window(R"({"alerts_to": {"group": "x"}})"),
         "reply_window.alerts_to.group: unknown key"},
        {with_window(R"({"alerts_to": {"assignee": "yes"}})"),
         "reply_window.alerts_to.assignee: must be true or false"},
        {with_window(R"({"alerts_to": {"webhook_key": 5}})"),
         "reply_window.alerts_to.webhook_key: must be a string"},
        {with_window(R"({"alerts_to": {"webhook_key": "a b"}})"),
         "reply_window.alerts_to.webhook_key: must be 1 to 128 characters from A-Z a-z 0-9 and -, "
         "got 3 characters"},
        {with_window(R"({"alerts_to": {"webhook_key": "k1", "aibot_chat": "group-bot/c"}})"),
         "reply_window.alerts_to.aibot_chat: cannot be used together with webhook_key (in the file "
         "or as GROUPDESK_REPLY_WINDOW_WEBHOOK_KEY); choose one group"},
        {with_window(R"({"alerts_to": {"aibot_chat": "group-bot"}})"),
         "reply_window.alerts_to.aibot_chat: must be \"<channel>/<chatid>\" (an aibot channel and "
         "one of its group chats), got \"group-bot\""},
        {with_window(R"({"alerts_to": {"aibot_chat": "/wrOg"}})"),
         "reply_window.alerts_to.aibot_chat: must be \"<channel>/<chatid>\" (an aibot channel and "
         "one of its group chats), got \"/wrOg\""},
        {with_window(R"({"alerts_to": {"aibot_chat": "nobot/wrOg"}})"),
         "reply_window.alerts_to.aibot_chat: names channel \"nobot\", which is not configured"},
        {with_window(R"({"alerts_to": {"aibot_chat": "oa/wrOg"}})"),
         "reply_window.alerts_to.aibot_chat: names channel \"oa\" of kind mp; it must be an aibot "
         "channel"},
        {with_window(R"({"alerts_to": {"assignee": true, "app_channel": "nope"}})"),
         "reply_window.alerts_to.app_channel: names channel \"nope\", which is not configured"},
        {with_window(R"({"alerts_to": {"assignee": true, "app_channel": "plain"}})", no_agent),
         "reply_window.alerts_to.app_channel: names channel \"plain\"; it must be a wecom channel "
         "with agent_id (app messages are sent as it)"},
        {with_window(R"({"alerts_to": {"assignee": true, "app_channel": "group-bot"}})"),
         "reply_window.alerts_to.app_channel: names channel \"group-bot\"; it must be a wecom "
         "channel with agent_id (app messages are sent as it)"},
        {with_window(R"({"alerts_to": {"app_channel": "corp-app"}})"),
         "reply_window.alerts_to.app_channel: is only used with \"assignee\": true"},
        {with_window(R"({"alerts_to": {"assignee": true}})", none),
         "reply_window.alerts_to.app_channel: is required with \"assignee\": true: no wecom "
         "channel has an agent_id to send the alerts as"},
        {with_window(R"({"alerts_to": {"assignee": true}})", two),
         "reply_window.alerts_to.app_channel: is required with \"assignee\": true: several wecom "
         "channels have an agent_id (\"corp-app\", \"hr-app\"); name one"},
    });
}

TEST(ReplyWindowRules, LeadTimesAreDurationsUnderTheWindowEachOnce) {
    const std::string like = "must be a duration like \"6h\", \"30m\" or \"90s\", got ";
    const std::string range = "must be more than 0 and less than 48h, got ";
    expect_single_errors({
        {with_window(R"({"lead_times": []})"),
         "reply_window.lead_times: must be a non-empty array of durations like [\"24h\", \"6h\", "
         "\"1h\"]"},
        {with_window(R"({"lead_times": "1h"})"),
         "reply_window.lead_times: must be a non-empty array of durations like [\"24h\", \"6h\", "
         "\"1h\"]"},
        {with_window(R"({"lead_times": ["6"]})"), "reply_window.lead_times[0]: " + like + "\"6\""},
        {with_window(R"({"lead_times": ["h"]})"), "reply_window.lead_times[0]: " + like + "\"h\""},
        {with_window(R"({"lead_times": ["-1h"]})"),
         "reply_window.lead_times[0]: " + like + "\"-1h\""},
        {with_window(R"({"lead_times": ["1.5h"]})"),
         "reply_window.lead_times[0]: " + like + "\"1.5h\""},
        {with_window(R"({"lead_times": ["1d"]})"),
         "reply_window.lead_times[0]: " + like + "\"1d\""},
        {with_window(R"({"lead_times": ["1 h"]})"),
         "reply_window.lead_times[0]: " + like + "\"1 h\""},
        {with_window(R"({"lead_times": ["1h", 3600]})"),
         "reply_window.lead_times[1]: " + like + "3600"},
        {with_window(R"({"lead_times": ["0h"]})"),
         "reply_window.lead_times[0]: " + range + "\"0h\""},
        {with_window(R"({"lead_times": ["48h"]})"),
         "reply_window.lead_times[0]: " + range + "\"48h\""},
        {with_window(R"({"lead_times": ["6h", "9999999999s"]})"),
         "reply_window.lead_times[1]: " + like + "\"9999999999s\""},
        {with_window(R"({"lead_times": ["6h", "1h", "60m"]})"),
         "reply_window.lead_times[2]: is the same time as reply_window.lead_times[1]"},
    });
    const Config edge = loaded(with_window(R"({"lead_times": ["2879m", "1s"]})"));
    EXPECT_THAT(edge.reply_window.lead_times, ElementsAre(2879min, 1s));
}

TEST(ReplyWindowRules, NudgeRules) {
    expect_single_errors({
        {with_window(R"({"nudge": true})"), "reply_window.nudge: must be an object"},
        {with_window(R"({"nudge": {"at": "2h"}})"), "reply_window.nudge.at: unknown key"},
        {with_window(R"({"nudge": {"enabled": 1}})"),
         "reply_window.nudge.enabled: must be true or false"},
        {with_window(R"({"nudge": {"before": "0m"}})"),
         "reply_window.nudge.before: must be more than 0 and less than 48h, got \"0m\""},
        {with_window(R"({"nudge": {"before": "2 days"}})"),
         "reply_window.nudge.before: must be a duration like \"6h\", \"30m\" or \"90s\", got "
         "\"2 days\""},
        {with_window(R"({"nudge": {"text": ""}})"),
         "reply_window.nudge.text: must be 1 to 600 bytes, got 0"},
        {with_window(R"({"nudge": {"text": ")" + std::string(601, 'a') + "\"}}"),
         "reply_window.nudge.text: must be 1 to 600 bytes, got 601"},
        {with_window(R"({"nudge": {"text": 5}})"), "reply_window.nudge.text: must be a string"},
    });
    const Config longest =
        loaded(with_window(R"({"nudge": {"text": ")" + std::string(600, 'a') + "\"}}"));
    EXPECT_EQ(longest.reply_window.nudge_text.size(), 600u);
}

EnvLookup env_with_key(const std::string& value) {
    return [value](const std::string& name) -> std::optional<std::string> {
        if (name == details::kReplyWindowWebhookVariable) return value;
        return std::nullopt;
    };
}

TEST(ReplyWindowRules, TheWebhookKeyMayComeFromTheEnvironment) {
    const Config from_env =
        loaded(test::with_top(R"("log": {"level": "info"})"), env_with_key(kWebhookKey));
    EXPECT_EQ(from_env.reply_window.alerts_to.webhook_key, kWebhookKey);

    const Config replaced =
        loaded(with_window(R"({"alerts_to": {"webhook_key": "file-key"}})"), env_with_key("env"));
    EXPECT_EQ(replaced.reply_window.alerts_to.webhook_key, "env");

    const Config unset =
        loaded(with_window(R"({"alerts_to": {"webhook_key": "file-key"}})"), env_with_key(""));
    EXPECT_EQ(unset.reply_window.alerts_to.webhook_key, "file-key");
}

TEST(ReplyWindowRules, AWebhookKeyIsNeverPrinted) {
    const LoadResult bad =
        load(test::with_top(R"("log": {"level": "info"})"), env_with_key("Secret Key Value"));
    EXPECT_THAT(bad.errors,
                ElementsAre("test.json: reply_window.alerts_to.webhook_key: must be 1 to 128 "
                            "characters from A-Z a-z 0-9 and -, got 16 characters (from "
                            "GROUPDESK_REPLY_WINDOW_WEBHOOK_KEY)"));
    const LoadResult both = load(with_window(
        R"({"alerts_to": {"webhook_key": "SecretKeyValue", "aibot_chat": "group-bot/c"}})"));
    ASSERT_EQ(both.errors.size(), 1u);
    EXPECT_THAT(both.errors[0], Not(HasSubstr("SecretKeyValue")));
}

TEST(ReplyWindowRules, ParsesDurations) {
    EXPECT_EQ(details::parse_duration("90s"), 90s);
    EXPECT_EQ(details::parse_duration("30m"), 30min);
    EXPECT_EQ(details::parse_duration("6h"), 6h);
    EXPECT_EQ(details::parse_duration("0s"), 0s);
    for (const char* bad : {"", "s", "6", "6H", "+6h", "6hh", "6 h", "0x6h", "1234567890s"}) {
        EXPECT_EQ(details::parse_duration(bad), std::nullopt) << bad;
    }
}

TEST(TemplateFallbackRules, ReadsAnMpChannelsTemplate) {
    const Config c = loaded(with_oa(R"("template_fallback": {"template_id": "tmpl-1",
        "url": "https://support.example.com/t",
        "fields": {"thing1": "#{ticket} {title}", "phrase2": "{status}", "thing3": "客服"}})"));
    const Channel::TemplateFallback& t = c.channels[0].template_fallback;
    EXPECT_EQ(t.template_id, "tmpl-1");
    EXPECT_EQ(t.url, "https://support.example.com/t");
    EXPECT_EQ(t.fields,
              (std::map<std::string, std::string>{
                  {"phrase2", "{status}"}, {"thing1", "#{ticket} {title}"}, {"thing3", "客服"}}));
    const Config no_url =
        loaded(with_oa(R"("template_fallback": {"template_id": "t", "fields": {"a": "{text}"}})"));
    EXPECT_TRUE(no_url.channels[0].template_fallback.url.empty());
}

TEST(TemplateFallbackRules, EachBrokenRuleNamesItsField) {
    const std::string at = "channels[0].template_fallback";
    const std::string fields = R"("fields": {"thing1": "{title}"})";
    auto fallback = [](const std::string& members) {
        return with_oa(R"("template_fallback": {)" + members + "}");
    };
    expect_single_errors({
        {test::with_channels(
             app("corp-app", 1) +
             R"(, {"name": "b", "kind": "aibot", "token": "t", "encoding_aes_key": ")" +
             test::kBotKey + R"(", "template_fallback": {}})"),
         "channels[1].template_fallback: is only for an mp channel (template messages are an "
         "Official Account's)"},
        {with_oa(R"("template_fallback": "tmpl-1")"), at + ": must be an object"},
        {fallback(R"("template_id": "t", "color": "red", )" + fields), at + ".color: unknown key"},
        {fallback(fields), at + ".template_id: is required"},
        {fallback(R"("template_id": "", )" + fields), at + ".template_id: must not be empty"},
        {fallback(R"("template_id": 7, )" + fields), at + ".template_id: must be a string"},
        {fallback(R"("template_id": "t", "url": "ftp://x", )" + fields),
         at + ".url: must be an http:// or https:// URL, got \"ftp://x\""},
        {fallback(R"("template_id": "t", "url": "https://a b", )" + fields),
         at + ".url: must be an http:// or https:// URL, got \"https://a b\""},
        {fallback(R"("template_id": "t")"), at + ".fields: is required"},
        {fallback(R"("template_id": "t", "fields": {})"),
         at + ".fields: must be a non-empty object of template field name to text"},
        {fallback(R"("template_id": "t", "fields": ["{title}"])"),
         at + ".fields: must be a non-empty object of template field name to text"},
        {fallback(R"("template_id": "t", "fields": {"thing1": 1})"),
         at + ".fields.thing1: must be a string"},
        {fallback(R"("template_id": "t", "fields": {"thing1": "{name}"})"),
         at + ".fields.thing1: has the unknown placeholder {name}; allowed: {ticket} {title} "
              "{status} {priority} {assignee} {text}"},
        {fallback(R"("template_id": "t", "fields": {"thing1": "{title} {Title}"})"),
         at + ".fields.thing1: has the unknown placeholder {Title}; allowed: {ticket} {title} "
              "{status} {priority} {assignee} {text}"},
        {fallback(R"("template_id": "t", "fields": {"thing1": "{title"})"),
         at + ".fields.thing1: has a { without a closing }"},
        {fallback(R"("template_id": "t", "fields": {"": "x"})"),
         at + ".fields: a field name must not be empty"},
    });
}

}  // namespace
}  // namespace groupdesk::config
