// Tests for the keyword routes of the REST API without a server: who may call them, the refusals
// of bad requests and bad fields (each named), the version check of a change, export → import,
// the test route's explanation, and history with restore.
#include "api/keywords_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/api/api_test_support.h"
#include "tests/support/memory_keyword_store.h"

namespace groupdesk::api {
namespace {

using nlohmann::json;
using test::header;
using test::kAdminToken;
using test::kAgentToken;
using ::testing::HasSubstr;

constexpr const char* kRefund = R"({"keywords": ["退款", "refund"], "reply": "请提供订单号"})";

// These routes never reach the platform (import-mp has tests of its own, against a fake one).
class NoPlatform final : public wecom::ApiClient {
public:
    Status send_webhook(std::string_view, const wecom::OutboundMessage&) override { return no(); }
    Status post_response_url(std::string_view, const wecom::OutboundMessage&) override {
        return no();
    }
    Status send_app_message(const config::Channel&, std::string_view,
                            const wecom::OutboundMessage&) override {
        return no();
    }
    Status send_custom_message(const config::Channel&, std::string_view,
                               const wecom::OutboundMessage&) override {
        return no();
    }
    Status send_template_message(const config::Channel&, std::string_view,
                                 const wecom::TemplateMessage&) override {
        return no();
    }
    Result<std::string> get_autoreply_info(const config::Channel&) override { return no(); }

private:
    static Error no() { return make_error(ErrorCode::Unavailable, "no platform in this test"); }
};

std::vector<config::Channel> test_channels() {
    config::Channel bot;
    bot.name = "group-bot";
    bot.kind = config::ChannelKind::AiBot;
    return {bot};
}

class KeywordsApiTest : public test::TicketsApiTest {
protected:
    void SetUp() override {
        TicketsApiTest::SetUp();
        auto zone = keywords::TimeZone::load("Asia/Shanghai");
        ASSERT_TRUE(zone.ok());
        auto opened = keywords::KeywordService::open(keyword_store, {"group-bot"}, *zone);
        ASSERT_TRUE(opened.ok());
        keyword_service = std::move(opened).value();
        keywords_api =
            std::make_unique<KeywordsApi>(*keyword_service, clock, platform, channels);
        api.serve_keywords(keywords_api.get());
    }

    HttpResponse admin(std::string method, std::string target, std::string body = {}) {
        return call(std::move(method), std::move(target), std::move(body), kAdminToken);
    }
    json created(const std::string& body = kRefund) {
        const HttpResponse r = admin("POST", "/api/v1/keywords", body);
        EXPECT_EQ(r.status, 201) << r.body;
        return json::parse(r.body);
    }
    // The problems of a 400, as "field: reason" (with "[index] " for an import row).
    static std::vector<std::string> problems(const HttpResponse& r) {
        const json error = expect_error(r, 400);
        std::vector<std::string> out;
        for (const auto& p : error.value("problems", json::array())) {
            std::string line =
                p.contains("index") ? "[" + std::to_string(p.at("index").get<int>()) + "] " : "";
            out.push_back(line + p.at("field").get<std::string>() + ": " +
                          p.at("reason").get<std::string>());
        }
        return out;
    }

    NoPlatform platform;
    std::vector<config::Channel> channels = test_channels();
    ::groupdesk::test::MemoryKeywordStore keyword_store;
    std::unique_ptr<keywords::KeywordService> keyword_service;
    std::unique_ptr<KeywordsApi> keywords_api;
};

TEST_F(KeywordsApiTest, OnlyAnAdminTokenMayCallThem) {
    EXPECT_EQ(expect_error(call("GET", "/api/v1/keywords", {}, ""), 401).at("code"),
              "unauthenticated");
    EXPECT_EQ(call("GET", "/api/v1/keywords", {}, "not-a-token-0123456789abcdefghijkl").status,
              401);
    EXPECT_EQ(expect_error(call("GET", "/api/v1/keywords", {}, kAgentToken), 403).at("code"),
              "permission_denied");
    EXPECT_EQ(call("POST", "/api/v1/keywords", kRefund, kAgentToken).status, 403);
    EXPECT_TRUE(keyword_service->index()->rules().empty());
    EXPECT_EQ(admin("GET", "/api/v1/keywords").status, 200);
}

TEST_F(KeywordsApiTest, UnknownPathsAndMethods) {
    EXPECT_EQ(admin("GET", "/api/v1/keywords/nope").status, 404);
    EXPECT_EQ(admin("GET", "/api/v1/keywords/1/nope").status, 404);
    EXPECT_EQ(admin("GET", "/api/v1/keywords/1").status, 404);  // no such rule
    EXPECT_EQ(admin("PATCH", "/api/v1/keywords/1", "{}").status, 404);
    EXPECT_EQ(admin("DELETE", "/api/v1/keywords/1").status, 404);
    EXPECT_EQ(admin("GET", "/api/v1/keywords/1/history").status, 404);
    const HttpResponse r = admin("PUT", "/api/v1/keywords");
    EXPECT_EQ(r.status, 405);
    EXPECT_THAT(header(r, "Allow"), HasSubstr("POST"));
    EXPECT_EQ(admin("DELETE", "/api/v1/keywords/export").status, 405);
    EXPECT_EQ(admin("GET", "/api/v1/keywords/import").status, 405);
    EXPECT_EQ(admin("GET", "/api/v1/keywords/export?x=1").status, 400);
}

TEST_F(KeywordsApiTest, BodiesMustBeJsonAndWithinTheLimit) {
    EXPECT_EQ(call("POST", "/api/v1/keywords", kRefund, kAdminToken, "text/plain").status, 415);
    EXPECT_EQ(call("POST", "/api/v1/keywords", kRefund, kAdminToken, "").status, 415);
    EXPECT_EQ(call("POST", "/api/v1/keywords/import", R"({"rules": []})", kAdminToken,
                   "application/x-www-form-urlencoded")
                  .status,
              415);
    const std::string big =
        R"({"keywords": ["k"], "reply": ")" + std::string(kMaxApiBodyBytes, 'x') + R"("})";
    EXPECT_EQ(expect_error(admin("POST", "/api/v1/keywords", big), 413).at("code"),
              "payload_too_large");
    // An import may be larger than a rule, not without bound.
    EXPECT_EQ(
        admin("POST", "/api/v1/keywords/import", std::string(kMaxImportBytes + 1, ' ')).status,
        413);
    EXPECT_EQ(admin("POST", "/api/v1/keywords", "not json").status, 400);
    EXPECT_TRUE(keyword_service->index()->rules().empty());
}

TEST_F(KeywordsApiTest, BadFieldsAreEachNamed) {
    EXPECT_EQ(problems(admin("POST", "/api/v1/keywords",
                             R"({"keywords": ["k"], "reply": "r", "colour": "red",
                                 "priority": "high", "enabled": 1, "scope": {"groups": []},
                                 "news": {"title": 3}})")),
              (std::vector<std::string>{
                  "colour: is not a field of a keyword rule", "priority: must be an integer",
                  "enabled: must be true or false", "scope.groups: is not a field of scope",
                  "news.title: must be a string"}));
    EXPECT_EQ(problems(admin("POST", "/api/v1/keywords",
                             R"({"keywords": "k", "reply": 5, "match_type": "fuzzy"})")),
              (std::vector<std::string>{"keywords: must be an array of strings",
                                        "reply: must be a string",
                                        "match_type: must be exact, prefix, contains or regex"}));
    for (const char* hours :
         {R"("9:00-21:00")", R"({"start": "9:00", "end": "21:00"})",
          R"({"start": "09:00", "end": "24:30"})", R"({"start": "24:00", "end": "09:00"})",
          R"({"start": "09:00"})", R"({"start": 540, "end": 1260})"}) {
        EXPECT_EQ(problems(admin("POST", "/api/v1/keywords",
                                 R"({"keywords": ["k"], "reply": "r", "active_hours": )" +
                                     std::string(hours) + "}")),
                  std::vector<std::string>{
                      R"(active_hours: must be null or {"start": "HH:MM", "end": "HH:MM"})"})
            << hours;
    }
    // A number beyond 64 bits signed is not taken for a small one (2^64 - 1 is not -1).
    for (const char* priority : {"18446744073709551615", "18446744073709550616", "1e3", "2.5"}) {
        EXPECT_EQ(problems(admin("POST", "/api/v1/keywords",
                                 R"({"keywords": ["k"], "reply": "r", "priority": )" +
                                     std::string(priority) + "}")),
                  std::vector<std::string>{"priority: must be an integer"})
            << priority;
    }
    // The service's own checks, after the JSON's.
    EXPECT_EQ(problems(admin("POST", "/api/v1/keywords",
                             R"({"keywords": ["(abc"], "match_type": "regex", "reply": "r",
                                 "scope": {"channels": ["nope"]},
                                 "active_hours": {"start": "09:00", "end": "09:00"}})"))
                  .size(),
              3u);
    const json error = expect_error(
        admin("POST", "/api/v1/keywords", R"({"keywords": [" "], "reply": "r"})"), 400);
    EXPECT_EQ(error.at("code"), "invalid_argument");
    EXPECT_EQ(error.at("message"), "keywords[0] must not be empty or only spaces");
    EXPECT_TRUE(keyword_service->index()->rules().empty());
}

TEST_F(KeywordsApiTest, CreateGetPatchDelete) {
    const json rule = created(R"({"keywords": ["退款"], "reply": "v1",
                                  "active_hours": {"start": "21:00", "end": "24:00"}})");
    EXPECT_EQ(rule.at("id"), 1);
    EXPECT_EQ(rule.at("version"), 1);
    EXPECT_EQ(rule.at("created_by"), "api:ops-console");
    EXPECT_EQ(rule.at("active_hours"), json::parse(R"({"start": "21:00", "end": "24:00"})"));
    EXPECT_EQ(json::parse(admin("GET", "/api/v1/keywords/1").body), rule);

    const HttpResponse patched =
        admin("PATCH", "/api/v1/keywords/1", R"({"reply": "v2", "active_hours": null})");
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(json::parse(patched.body).at("reply"), "v2");
    EXPECT_EQ(json::parse(patched.body).at("keywords"), json::array({"退款"}));  // kept
    EXPECT_TRUE(json::parse(patched.body).at("active_hours").is_null());
    EXPECT_EQ(json::parse(patched.body).at("version"), 2);

    const HttpResponse removed = admin("DELETE", "/api/v1/keywords/1");
    ASSERT_EQ(removed.status, 200) << removed.body;
    EXPECT_EQ(admin("GET", "/api/v1/keywords/1").status, 404);
}

TEST_F(KeywordsApiTest, APatchFromAStaleVersionIsAConflict) {
    created();
    ASSERT_EQ(admin("PATCH", "/api/v1/keywords/1", R"({"reply": "v2", "version": 1})").status, 200);
    const json error = expect_error(
        admin("PATCH", "/api/v1/keywords/1", R"({"reply": "lost", "version": 1})"), 409);
    EXPECT_EQ(error.at("code"), "aborted");
    EXPECT_EQ(json::parse(admin("GET", "/api/v1/keywords/1").body).at("reply"), "v2");
    EXPECT_EQ(problems(admin("PATCH", "/api/v1/keywords/1", R"({"version": 0})")),
              std::vector<std::string>{"version: must be a positive integer"});
}

TEST_F(KeywordsApiTest, AnExportImportsAsItIs) {
    created();
    created(R"({"keywords": ["^订单\\d+$"], "match_type": "regex", "reply": "查询中",
                "priority": 7, "scope": {"channels": ["group-bot"], "chats": ["wrkA"]},
                "origin": "mp:group-bot:orders"})");
    const HttpResponse exported = admin("GET", "/api/v1/keywords/export");
    ASSERT_EQ(exported.status, 200);
    EXPECT_EQ(json::parse(exported.body).at("rules").size(), 2u);

    // Into an empty server: the same rules, new ids aside.
    ::groupdesk::test::MemoryKeywordStore other_store;
    auto zone = keywords::TimeZone::load("Asia/Shanghai");
    ASSERT_TRUE(zone.ok());
    auto other = keywords::KeywordService::open(other_store, {"group-bot"}, *zone);
    ASSERT_TRUE(other.ok());
    KeywordsApi other_api(**other, clock, platform, channels);
    HttpRequest request;
    request.method = "POST";
    request.target = "/api/v1/keywords/import";
    request.body = exported.body;
    request.headers.emplace_back("Content-Type", "application/json");
    const config::ApiToken token{"ops-console", kAdminToken, config::ApiToken::Role::Admin};
    const HttpResponse r = other_api.handle(request, token);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body), json::parse(R"({"imported": 2, "created": 2, "updated": 0})"));
    request.method = "GET";
    request.target = "/api/v1/keywords/export";
    request.body.clear();
    EXPECT_EQ(other_api.handle(request, token).body, exported.body);

    // Into the same server again: the rule with an origin is updated, the other added.
    const HttpResponse again = admin("POST", "/api/v1/keywords/import", exported.body);
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(json::parse(again.body),
              json::parse(R"({"imported": 2, "created": 1, "updated": 1})"));
    EXPECT_EQ(keyword_service->index()->rules().size(), 3u);
}

TEST_F(KeywordsApiTest, AnImportWithBadRowsNamesEachAndChangesNothing) {
    created();
    const HttpResponse r = admin("POST", "/api/v1/keywords/import",
                                 R"({"rules": [{"keywords": ["ok"], "reply": "fine"},
                                               {"keywords": [], "reply": "r"},
                                               {"keywords": ["k"], "reply": "r", "x": 1},
                                               "row"]})");
    EXPECT_EQ(problems(r),
              (std::vector<std::string>{"[2] x: is not a field of a keyword rule",
                                        "[3] : must be a JSON object",
                                        "[1] keywords: must list at least one keyword"}));
    EXPECT_EQ(keyword_service->index()->rules().size(), 1u);
    EXPECT_EQ(problems(admin("POST", "/api/v1/keywords/import", R"({"rows": []})")),
              std::vector<std::string>{"rules: must be an array of rules"});
}

TEST_F(KeywordsApiTest, TheTestRouteSaysWhoAnswersAndWhyTheOthersDoNot) {
    created(R"({"keywords": ["退款"], "reply": "low"})");
    created(R"({"keywords": ["退款"], "reply": "high", "priority": 9})");
    created(R"({"keywords": ["退款"], "reply": "off", "enabled": false})");
    created(R"({"keywords": ["退款"], "reply": "elsewhere", "scope": {"chats": ["wrkOther"]}})");
    const HttpResponse r = admin("POST", "/api/v1/keywords/test",
                                 R"({"text": "@助手 我要ＴＵＩ 退款", "channel": "group-bot",
                                     "chat": "wrkA"})");
    ASSERT_EQ(r.status, 200) << r.body;
    const json t = json::parse(r.body);
    EXPECT_EQ(t.at("answer").at("reply"), "high");
    EXPECT_FALSE(t.at("by_default").get<bool>());
    EXPECT_FALSE(t.contains("why_none"));
    std::map<std::int64_t, json> why;
    for (const auto& c : t.at("candidates")) why[c.at("id").get<std::int64_t>()] = c.at("why_not");
    ASSERT_EQ(why.size(), 4u);
    EXPECT_TRUE(why[2].is_null());
    EXPECT_EQ(why[1], "lower_priority");
    EXPECT_EQ(why[3], "disabled");
    EXPECT_EQ(why[4], "out_of_scope");

    const json none = json::parse(
        admin("POST", "/api/v1/keywords/test", R"({"text": "你好", "channel": "group-bot"})").body);
    EXPECT_TRUE(none.at("answer").is_null());
    EXPECT_THAT(none.at("why_none").get<std::string>(), HasSubstr("no rule's keywords match"));
    EXPECT_EQ(
        expect_error(admin("POST", "/api/v1/keywords/test", R"({"text": ""})"), 400).at("code"),
        "invalid_argument");
    EXPECT_EQ(admin("POST", "/api/v1/keywords/test", R"({"text": "x", "lang": "en"})").status, 400);
}

TEST_F(KeywordsApiTest, HistoryShowsEachChangeAndRestoreMakesAVersionLiveAgain) {
    created();
    ASSERT_EQ(admin("PATCH", "/api/v1/keywords/1", R"({"reply": "v2"})").status, 200);
    const HttpResponse h = admin("GET", "/api/v1/keywords/1/history");
    ASSERT_EQ(h.status, 200) << h.body;
    const json versions = json::parse(h.body).at("versions");
    ASSERT_EQ(versions.size(), 2u);
    EXPECT_EQ(versions[0].at("op"), "create");
    EXPECT_TRUE(versions[0].at("before").is_null());
    EXPECT_EQ(versions[1].at("op"), "update");
    EXPECT_EQ(versions[1].at("before").at("reply"), "请提供订单号");
    EXPECT_EQ(versions[1].at("after").at("reply"), "v2");
    EXPECT_EQ(versions[1].at("actor"), "api:ops-console");

    const HttpResponse restored = admin("POST", "/api/v1/keywords/1/restore", R"({"version": 1})");
    ASSERT_EQ(restored.status, 200) << restored.body;
    EXPECT_EQ(json::parse(restored.body).at("reply"), "请提供订单号");
    EXPECT_EQ(json::parse(restored.body).at("version"), 3);
    EXPECT_EQ(admin("POST", "/api/v1/keywords/1/restore", R"({"version": 7})").status, 404);
    EXPECT_EQ(admin("POST", "/api/v1/keywords/1/restore", R"({"version": "1"})").status, 400);

    // A deleted rule comes back as a new one.
    ASSERT_EQ(admin("DELETE", "/api/v1/keywords/1").status, 200);
    const HttpResponse back = admin("POST", "/api/v1/keywords/1/restore", R"({"version": 2})");
    ASSERT_EQ(back.status, 200) << back.body;
    EXPECT_EQ(json::parse(back.body).at("id"), 2);
    EXPECT_EQ(json::parse(back.body).at("reply"), "v2");
    EXPECT_EQ(json::parse(admin("GET", "/api/v1/keywords/1/history").body).at("versions").size(),
              4u);
}

}  // namespace
}  // namespace groupdesk::api
