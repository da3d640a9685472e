// The Official Account import's mapping, on the official sample answer of
// get_current_autoreply_info (tests/data/mp_autoreply_sample.json: the sample kept in WxJava's
// tests, wecom-protocol.md §14.1, with the documentation's artefacts removed — a line break inside
// two cover URLs — so that it is the valid JSON the live API returns) and on answers that are not
// of its shape.
#include "keywords/mp_import.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace groupdesk::keywords {
namespace {

std::string sample() {
    std::ifstream in(std::string(GROUPDESK_TEST_DATA_DIR) + "/mp_autoreply_sample.json");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

const Rule* by_origin(const MpImport& import, const std::string& origin) {
    for (const auto& r : import.rules) {
        if (r.origin == origin) return &r;
    }
    return nullptr;
}

std::vector<std::string> reasons_of(const MpImport& import, const std::string& name) {
    std::vector<std::string> out;
    for (const auto& s : import.skipped) {
        if (s.rule_name == name) out.push_back(s.reason);
    }
    return out;
}

bool mentions(const std::vector<std::string>& reasons, const std::string& part) {
    for (const auto& r : reasons) {
        if (r.find(part) != std::string::npos) return true;
    }
    return false;
}

TEST(MpImport, TheOfficialSampleMapsToNewsTextFollowAndDefaultRules) {
    auto mapped = map_mp_autoreply(sample(), "service-account");
    ASSERT_TRUE(mapped.ok()) << mapped.error().message;
    // news, text, follow, default; the voice and the video rules have no reply to carry.
    ASSERT_EQ(mapped->rules.size(), 4u);
    ASSERT_EQ(mapped->names.size(), 4u);

    const Rule* news = by_origin(*mapped, "mp:service-account:autoreply-news:contain");
    ASSERT_NE(news, nullptr);
    EXPECT_EQ(news->kind, RuleKind::Keyword);
    EXPECT_EQ(news->keywords, std::vector<std::string>{"news测试"});
    EXPECT_EQ(news->match_type, MatchType::Contains);
    EXPECT_EQ(news->reply, "");
    ASSERT_TRUE(news->news.has_value());
    EXPECT_EQ(news->news->title, "it's news");
    EXPECT_EQ(news->news->description, "it's digest");
    EXPECT_EQ(
        news->news->pic_url,
        "http://mmbiz.qpic.cn/mmbiz/GE7et87vE9vicuCibqXsX9GPPLuEtBfXfKbE8sWdt2DDcL0dMfQWJWTVn1N8"
        "DxI0gcRmrtqBOuwQHeuPKmFLK0ZQ/0");
    EXPECT_EQ(news->news->url,
              "http://mp.weixin.qq.com/s?__biz=MjM5ODUwNTM3Ng==&mid=203929886&idx=1&sn="
              "628f964cf0c6d84c026881b6959aea8b#rd");
    EXPECT_EQ(news->scope.channels, std::vector<std::string>{"service-account"});
    EXPECT_TRUE(news->scope.chats.empty());
    EXPECT_TRUE(news->enabled);
    // reply_all with two news replies: the second cannot go in a passive reply.
    const auto news_reasons = reasons_of(*mapped, "autoreply-news");
    ASSERT_EQ(news_reasons.size(), 1u);
    EXPECT_NE(news_reasons[0].find("reply 2 (news) not carried"), std::string::npos);
    EXPECT_NE(news_reasons[0].find("one message"), std::string::npos);

    const Rule* text = by_origin(*mapped, "mp:service-account:autoreply-text:contain");
    ASSERT_NE(text, nullptr);
    EXPECT_EQ(text->keywords, std::vector<std::string>{"text测试"});
    EXPECT_EQ(text->reply, "hello!text!");
    EXPECT_FALSE(text->news.has_value());

    // The video rule: `equal` would be exact, but its only reply is temporary media.
    EXPECT_EQ(by_origin(*mapped, "mp:service-account:autoreply-video:equal"), nullptr);
    const auto video = reasons_of(*mapped, "autoreply-video");
    ASSERT_EQ(video.size(), 1u);
    EXPECT_NE(video[0].find("video reply is temporary media that expires after 3 days"),
              std::string::npos);
    EXPECT_TRUE(mentions(reasons_of(*mapped, "autoreply-voice"), "voice reply is temporary media"));

    const Rule* follow = by_origin(*mapped, "mp:service-account#follow");
    ASSERT_NE(follow, nullptr);
    EXPECT_EQ(follow->kind, RuleKind::Follow);
    EXPECT_TRUE(follow->keywords.empty());
    EXPECT_EQ(follow->reply, "Thanks for your attention!");
    EXPECT_EQ(follow->scope.channels, std::vector<std::string>{"service-account"});
    const Rule* fallback = by_origin(*mapped, "mp:service-account#default");
    ASSERT_NE(fallback, nullptr);
    EXPECT_EQ(fallback->kind, RuleKind::Default);
    EXPECT_EQ(fallback->reply, "Hello, this is autoreply!");
    EXPECT_EQ(mapped->skipped.size(), 3u);
}

TEST(MpImport, OriginsAreStableAcrossImports) {
    auto first = map_mp_autoreply(sample(), "service-account");
    auto second = map_mp_autoreply(sample(), "service-account");
    ASSERT_TRUE(first.ok() && second.ok());
    ASSERT_EQ(first->rules.size(), second->rules.size());
    for (std::size_t i = 0; i < first->rules.size(); ++i) {
        EXPECT_EQ(first->rules[i].origin, second->rules[i].origin);
    }
    auto other = map_mp_autoreply(sample(), "other-account");
    ASSERT_TRUE(other.ok());
    EXPECT_NE(by_origin(*other, "mp:other-account:autoreply-news:contain"), nullptr);
}

TEST(MpImport, OneRuleWithBothModesBecomesTwoRulesAndTheVideoRuleIsExact) {
    const std::string answer = R"({"keyword_autoreply_info":{"list":[
        {"rule_name":"退款","reply_mode":"random_one",
         "keyword_list_info":[{"type":"text","match_mode":"contain","content":"退款"},
                              {"type":"text","match_mode":"equal","content":"refund"},
                              {"type":"text","match_mode":"contain","content":"退货"},
                              {"type":"text","match_mode":"contain","content":"退款"}],
         "reply_list_info":[{"type":"video","content":"MEDIA_ID_1"},
                            {"type":"text","content":"请提供订单号"},
                            {"type":"text","content":"或联系客服"}]},
        {"rule_name":"video","reply_mode":"reply_all",
         "keyword_list_info":[{"type":"text","match_mode":"equal","content":"video测试"}],
         "reply_list_info":[{"type":"text","content":"视频已下架"}]}]}})";
    auto mapped = map_mp_autoreply(answer, "oa");
    ASSERT_TRUE(mapped.ok()) << mapped.error().message;
    ASSERT_EQ(mapped->rules.size(), 3u);
    const Rule* contains = by_origin(*mapped, "mp:oa:退款:contain");
    ASSERT_NE(contains, nullptr);
    EXPECT_EQ(contains->keywords, (std::vector<std::string>{"退款", "退货"}));
    EXPECT_EQ(contains->match_type, MatchType::Contains);
    EXPECT_EQ(contains->reply, "请提供订单号");
    const Rule* exact = by_origin(*mapped, "mp:oa:退款:equal");
    ASSERT_NE(exact, nullptr);
    EXPECT_EQ(exact->keywords, std::vector<std::string>{"refund"});
    EXPECT_EQ(exact->match_type, MatchType::Exact);
    EXPECT_EQ(exact->reply, "请提供订单号");
    const Rule* video = by_origin(*mapped, "mp:oa:video:equal");
    ASSERT_NE(video, nullptr);
    EXPECT_EQ(video->match_type, MatchType::Exact);
    // The media reply before the text one, and the random_one alternative after it.
    const auto reasons = reasons_of(*mapped, "退款");
    EXPECT_TRUE(mentions(reasons, "reply 1 (video): a video reply is temporary media"));
    EXPECT_TRUE(mentions(reasons, "reply 3 (text) not carried"));
    EXPECT_TRUE(mentions(reasons, "not one chosen at random"));
}

TEST(MpImport, MediaFollowAndDefaultRepliesAndSwitchedOffOnesAreReported) {
    const std::string answer = R"({"is_add_friend_reply_open":1,"is_autoreply_open":0,
        "add_friend_autoreply_info":{"type":"img","content":"http://mmbiz.qpic.cn/x.jpg"},
        "message_default_autoreply_info":{"type":"text","content":"稍后回复"}})";
    auto mapped = map_mp_autoreply(answer, "oa");
    ASSERT_TRUE(mapped.ok()) << mapped.error().message;
    EXPECT_TRUE(mapped->rules.empty());
    EXPECT_TRUE(mentions(reasons_of(*mapped, "(follow reply)"), "img reply is temporary media"));
    EXPECT_TRUE(mentions(reasons_of(*mapped, "(default reply)"), "switched off"));
}

TEST(MpImport, ARuleNameUsedTwiceGetsTwoOrigins) {
    const std::string rule = R"({"rule_name":"同名",
        "keyword_list_info":[{"type":"text","match_mode":"contain","content":"K"}],
        "reply_list_info":[{"type":"text","content":"R"}]})";
    auto mapped = map_mp_autoreply(
        R"({"keyword_autoreply_info":{"list":[)" + rule + "," + rule + "]}}", "oa");
    ASSERT_TRUE(mapped.ok()) << mapped.error().message;
    ASSERT_EQ(mapped->rules.size(), 2u);
    EXPECT_EQ(mapped->rules[0].origin, "mp:oa:同名:contain");
    EXPECT_EQ(mapped->rules[1].origin, "mp:oa:同名:contain#2");
}

TEST(MpImport, AnEmptyAccountImportsNothing) {
    auto mapped = map_mp_autoreply(R"({"is_add_friend_reply_open":0,"is_autoreply_open":0})", "oa");
    ASSERT_TRUE(mapped.ok());
    EXPECT_TRUE(mapped->rules.empty());
    EXPECT_TRUE(mapped->skipped.empty());
}

TEST(MpImport, AnErrcodeAnswerIsTheErrcodesError) {
    auto mapped = map_mp_autoreply(R"({"errcode":48001,"errmsg":"api unauthorized"})", "oa");
    ASSERT_FALSE(mapped.ok());
    EXPECT_EQ(mapped.error().code, ErrorCode::FailedPrecondition);
    EXPECT_EQ(mapped.error().detail, 48001);
    EXPECT_NE(mapped.error().message.find("errcode 48001"), std::string::npos);
    // errcode 0 is success.
    EXPECT_TRUE(map_mp_autoreply(R"({"errcode":0,"errmsg":"ok"})", "oa").ok());
}

TEST(MpImport, AnswersNotOfTheShapeAreInvalidAndNameTheField) {
    struct Case {
        std::string answer;
        std::string field;
    };
    const std::vector<Case> cases = {
        {"", ""},
        {"[1,2]", ""},
        {"{\"is_autoreply_open\":1,", ""},
        // The documentation's artefacts are not JSON the live API sends.
        {"{\"keyword_autoreply_info\":{\"list\":[]} // comment\n}", ""},
        {"{\"is_autoreply_open\":\"yes\"}", "is_autoreply_open"},
        {"{\"keyword_autoreply_info\":[]}", "keyword_autoreply_info"},
        {"{\"keyword_autoreply_info\":{\"list\":{}}}", "keyword_autoreply_info.list"},
        {"{\"keyword_autoreply_info\":{\"list\":[1]}}", "keyword_autoreply_info.list[0]"},
        {R"({"keyword_autoreply_info":{"list":[{"keyword_list_info":[],"reply_list_info":[]}]}})",
         "keyword_autoreply_info.list[0].rule_name"},
        {R"({"keyword_autoreply_info":{"list":[{"rule_name":"a","reply_list_info":[]}]}})",
         "keyword_autoreply_info.list[0].keyword_list_info"},
        {R"({"keyword_autoreply_info":{"list":[{"rule_name":"a","keyword_list_info":)"
         R"([{"match_mode":"contain","content":7}],"reply_list_info":[]}]}})",
         "keyword_autoreply_info.list[0].keyword_list_info[0].content"},
        {R"({"keyword_autoreply_info":{"list":[{"rule_name":"a","keyword_list_info":[],)"
         R"("reply_list_info":[{"content":"x"}]}]}})",
         "keyword_autoreply_info.list[0].reply_list_info[0].type"},
        {R"({"add_friend_autoreply_info":"hi"})", "add_friend_autoreply_info"},
        {R"({"errcode":"48001"})", "errcode"},
    };
    for (const auto& c : cases) {
        auto mapped = map_mp_autoreply(c.answer, "oa");
        ASSERT_FALSE(mapped.ok()) << c.answer;
        EXPECT_EQ(mapped.error().code, ErrorCode::InvalidArgument) << c.answer;
        EXPECT_EQ(mapped.error().field, c.field) << c.answer;
    }
}

}  // namespace
}  // namespace groupdesk::keywords
