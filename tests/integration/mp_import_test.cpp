// An Official Account's own auto-reply rules imported over REST through the real server: from the
// (fake) platform and from a saved answer; the imported rules answer encrypted Official Account
// messages; importing again updates instead of duplicating; refusals and outages change nothing.
#include <nlohmann/json.hpp>
#include <set>

#include "tests/integration/server_fixture.h"
#include "tests/support/callbacks.h"
#include "tests/support/fake_platform.h"

namespace groupdesk::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kToken = "mp-token-0123456789abcdef0123456789abcdef";
constexpr const char* kAgentToken = "mp-token-0123456789abcdef0123456789abcdef-agent";
constexpr const char* kAutoreply = "/cgi-bin/get_current_autoreply_info";
constexpr const char* kImport = "/api/v1/keywords/import-mp";

class MpImportTest : public ServerTest {
protected:
    void configure(config::Config& config) override {
        config.api_tokens = {{"ops-console", kToken, config::ApiToken::Role::Admin},
                             {"agent-script", kAgentToken, config::ApiToken::Role::Agent}};
        config.platform.wecom_api_base = platform_.base_url();
        config.platform.mp_api_base = platform_.base_url();
        config.platform.request_timeout = 2s;
        for (auto& c : config.channels) {
            if (c.name == "service-account") c.secret = "mp-secret";
        }
    }

    ClientResponse api(const std::string& method, const std::string& target,
                       const json& body = nullptr, const std::string& token = kToken) {
        return http_request(port_, method, target, body.is_null() ? "" : body.dump(),
                            "application/json", {{"Authorization", "Bearer " + token}});
    }
    json import(const json& body) {
        const auto r = api("POST", kImport, body);
        EXPECT_EQ(r.status, 200) << r.body;
        return r.status == 200 ? json::parse(r.body) : json();
    }
    json rules() {
        const auto r = api("GET", "/api/v1/keywords");
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body).at("rules");
    }

    FakePlatform platform_;  // before the server: the config points at it
};

std::vector<std::string> names(const json& skipped) {
    std::vector<std::string> out;
    for (const auto& s : skipped) out.push_back(s.at("rule_name"));
    return out;
}

TEST_F(MpImportTest, TheAccountsRulesImportedFromThePlatformAnswerItsMessages) {
    const json result = import({{"channel", "service-account"}});
    EXPECT_EQ(result.at("imported"), 4);
    EXPECT_EQ(result.at("created"), 4);
    EXPECT_EQ(result.at("updated"), 0);
    EXPECT_EQ(names(result.at("skipped")),
              (std::vector<std::string>{"autoreply-news", "autoreply-voice", "autoreply-video"}));
    const auto gets = platform_.requests(kAutoreply);
    ASSERT_EQ(gets.size(), 1u);
    EXPECT_EQ(gets[0].method, "GET");
    EXPECT_EQ(gets[0].param("access_token"), "tok-1");
    const auto tokens = platform_.requests("/cgi-bin/token");
    ASSERT_EQ(tokens.size(), 1u);
    EXPECT_EQ(tokens[0].param("appid"), channel("service-account").receive_id);

    const std::string news = account_text("我想看news测试的内容");
    EXPECT_NE(news.find("<ArticleCount>1</ArticleCount>"), std::string::npos) << news;
    EXPECT_NE(news.find("it's news"), std::string::npos) << news;
    EXPECT_NE(news.find("it's digest"), std::string::npos) << news;
    EXPECT_NE(news.find("mid=203929886"), std::string::npos) << news;
    EXPECT_NE(account_text("text测试").find("hello!text!"), std::string::npos);
    // The video rule was not carried over: the default reply answers instead (once an hour).
    EXPECT_NE(account_text("video测试").find("Hello, this is autoreply!"), std::string::npos);
    EXPECT_EQ(account_text("随便问问"), "");
    const std::string followed =
        to_account("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>");
    EXPECT_NE(followed.find("Thanks for your attention!"), std::string::npos) << followed;

    const json listed = rules();
    ASSERT_EQ(listed.size(), 4u);
    for (const auto& r : listed) {
        EXPECT_EQ(r.at("scope").at("channels"), json::array({"service-account"}));
        EXPECT_EQ(r.at("created_by"), "api:ops-console");
    }
}

TEST_F(MpImportTest, ImportingAgainUpdatesInsteadOfDuplicating) {
    import({{ "channel", "service-account" }});
    const json again = import({{"channel", "service-account"}});
    EXPECT_EQ(again.at("imported"), 4);
    EXPECT_EQ(again.at("created"), 0);
    EXPECT_EQ(again.at("updated"), 4);
    const json listed = rules();
    ASSERT_EQ(listed.size(), 4u);
    std::set<std::string> origins;
    for (const auto& r : listed) origins.insert(r.at("origin").get<std::string>());
    EXPECT_EQ(origins,
              (std::set<std::string>{"mp:service-account:autoreply-news:contain",
                                     "mp:service-account:autoreply-text:contain",
                                     "mp:service-account#follow", "mp:service-account#default"}));
    EXPECT_NE(account_text("text测试").find("hello!text!"), std::string::npos);
}

TEST_F(MpImportTest, ASavedAnswerImportsWithoutThePlatform) {
    json answer = json::parse(FakePlatform::sample_autoreply_answer());
    auto& list = answer.at("keyword_autoreply_info").at("list");
    for (auto& rule : list) {
        if (rule.at("rule_name") == "autoreply-text") {
            rule.at("reply_list_info")[0].at("content") = "已保存的回复";
        }
    }
    const json result = import({{"channel", "service-account"}, {"answer", answer}});
    EXPECT_EQ(result.at("created"), 4);
    EXPECT_TRUE(platform_.requests().empty());
    EXPECT_NE(account_text("text测试").find("已保存的回复"), std::string::npos);

    // Then from the platform: the same origins, now with the account's current reply (after the
    // flood guard's interval, as the same rule answers the same follower again).
    const json fetched = import({{"channel", "service-account"}});
    clock_.advance(31s);
    EXPECT_EQ(fetched.at("updated"), 4);
    EXPECT_NE(account_text("再来一次text测试").find("hello!text!"), std::string::npos);

    // A saved errcode answer, or one not of the API's shape, is the caller's mistake.
    auto bad = api("POST", kImport,
                   {{"channel", "service-account"},
                    {"answer", {{"errcode", 48001}, {"errmsg", "api unauthorized"}}}});
    EXPECT_EQ(bad.status, 400) << bad.body;
    EXPECT_EQ(json::parse(bad.body).at("error").at("field"), "answer");
    EXPECT_NE(bad.body.find("errcode 48001"), std::string::npos) << bad.body;
    bad =
        api("POST", kImport,
            {{"channel", "service-account"},
             {"answer", json::parse(R"({"keyword_autoreply_info":{"list":[{"rule_name":5}]}})")}});
    EXPECT_EQ(bad.status, 400) << bad.body;
    EXPECT_EQ(json::parse(bad.body).at("error").at("field"),
              "answer.keyword_autoreply_info.list[0].rule_name");
    EXPECT_EQ(rules().size(), 4u);
}

TEST_F(MpImportTest, OnlyAnOfficialAccountChannelOfAnAdmin) {
    for (const char* name : {"group-bot", "corp-app", "no-such-channel"}) {
        const auto r = api("POST", kImport, {{"channel", name}});
        EXPECT_EQ(r.status, 400) << name << " " << r.body;
        EXPECT_EQ(json::parse(r.body).at("error").at("field"), "channel") << r.body;
    }
    auto r = api("POST", kImport, json::object());
    EXPECT_EQ(r.status, 400) << r.body;
    r = api("POST", kImport, {{"channel", "service-account"}, {"extra", 1}});
    EXPECT_EQ(r.status, 400) << r.body;
    r = api("POST", kImport, {{"channel", "service-account"}}, kAgentToken);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_TRUE(platform_.requests().empty());
    EXPECT_TRUE(rules().empty());
}

TEST_F(MpImportTest, APlatformRefusalOrOutageImportsNothing) {
    platform_.fail_next(kAutoreply, Failure::err(48001, "api unauthorized"));
    auto r = api("POST", kImport, {{"channel", "service-account"}});
    EXPECT_EQ(r.status, 502) << r.body;
    const json refused = json::parse(r.body).at("error");
    EXPECT_EQ(refused.at("code"), "platform_refused");
    EXPECT_NE(refused.at("message").get<std::string>().find("errcode 48001"), std::string::npos);

    platform_.fail_next(kAutoreply, Failure::http(500));
    r = api("POST", kImport, {{"channel", "service-account"}});
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(json::parse(r.body).at("error").at("code"), "unavailable");

    platform_.set_autoreply_answer(R"({"keyword_autoreply_info":{"list":{}}})");
    r = api("POST", kImport, {{"channel", "service-account"}});
    EXPECT_EQ(r.status, 502) << r.body;
    EXPECT_TRUE(rules().empty());
    // The access token never reaches the caller.
    EXPECT_EQ(r.body.find("tok-1"), std::string::npos);
}

}  // namespace
}  // namespace groupdesk::test
