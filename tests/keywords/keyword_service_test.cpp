// KeywordService without a server: the checks that name the field, edits that are durable before
// they are live, all-or-nothing imports keyed by origin, restore from history, and the index
// swapped whole while other threads match.
#include "keywords/keyword_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "keywords/normalize.h"
#include "tests/support/memory_keyword_store.h"

namespace groupdesk::keywords {
namespace {

const time_point kNow{std::chrono::seconds{1798765432}};
const MatchContext kAnywhere{"group-bot", "wrkChat", 12 * 60};

Rule keyword_rule(std::vector<std::string> keywords, std::string reply,
                  MatchType type = MatchType::Contains) {
    Rule rule;
    rule.keywords = std::move(keywords);
    rule.match_type = type;
    rule.reply = std::move(reply);
    return rule;
}

Rule imported(std::string origin, std::vector<std::string> keywords, std::string reply) {
    Rule rule = keyword_rule(std::move(keywords), std::move(reply));
    rule.origin = std::move(origin);
    return rule;
}

class KeywordServiceTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto zone = TimeZone::load("Asia/Shanghai");
        ASSERT_TRUE(zone.ok());
        auto opened = KeywordService::open(store_, {"group-bot", "mp"}, *zone);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        service_ = std::move(opened).value();
    }

    // The fields check() names for `rule`, in order.
    std::vector<std::string> fields(const Rule& rule) const {
        std::vector<std::string> out;
        for (const auto& p : service_->check(rule)) out.push_back(p.field);
        return out;
    }
    std::vector<Problem> problems(const Rule& rule) const { return service_->check(rule); }

    // The reply the live index answers `text` with, or "" for none.
    std::string answer(std::string_view text) const {
        const Rule* rule = service_->index()->match(normalize(text), kAnywhere);
        return rule != nullptr ? rule->reply : "";
    }

    Rule create(Rule rule) {
        auto created = service_->create(std::move(rule), "admin", kNow);
        EXPECT_TRUE(created.ok()) << created.error().message;
        return created.ok() ? *created : Rule{};
    }

    test::MemoryKeywordStore store_;
    std::unique_ptr<KeywordService> service_;
};

using Fields = std::vector<std::string>;

TEST_F(KeywordServiceTest, AGoodRuleHasNoProblems) {
    EXPECT_TRUE(problems(keyword_rule({"退款", "refund"}, "请提供订单号")).empty());
    Rule follow;
    follow.kind = RuleKind::Follow;
    follow.reply = "欢迎关注";
    follow.scope.channels = {"mp"};
    EXPECT_TRUE(problems(follow).empty());
}

TEST_F(KeywordServiceTest, CheckNamesTheKeywordField) {
    EXPECT_EQ(fields(keyword_rule({}, "r")), Fields{"keywords"});
    EXPECT_EQ(fields(keyword_rule({"ok", std::string(257, 'x')}, "r")), Fields{"keywords[1]"});
    EXPECT_TRUE(fields(keyword_rule({std::string(256, 'x')}, "r")).empty());
    EXPECT_EQ(fields(keyword_rule({"ok", " 　 "}, "r")), Fields{"keywords[1]"});
    EXPECT_EQ(fields(keyword_rule({""}, "r", MatchType::Regex)), Fields{"keywords[0]"});
    EXPECT_EQ(fields(keyword_rule(std::vector<std::string>(101, "k"), "r")), Fields{"keywords"});
}

TEST_F(KeywordServiceTest, ARegexThatDoesNotCompileIsNamedWithRe2sText) {
    const auto found = problems(keyword_rule({"订单\\d+", "(abc"}, "r", MatchType::Regex));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].field, "keywords");
    EXPECT_NE(found[0].reason.find("does not compile"), std::string::npos) << found[0].reason;
    EXPECT_NE(found[0].reason.find("missing )"), std::string::npos) << found[0].reason;
    // A refused create says the same, with the field.
    auto created = service_->create(keyword_rule({"(abc"}, "r", MatchType::Regex), "admin", kNow);
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(created.error().field, "keywords");
}

TEST_F(KeywordServiceTest, CheckNamesTheReplyAndNewsFields) {
    EXPECT_EQ(fields(keyword_rule({"k"}, "")), Fields{"reply"});
    EXPECT_EQ(fields(keyword_rule({"k"}, std::string(2049, 'r'))), Fields{"reply"});

    Rule news = keyword_rule({"k"}, "");
    news.news = NewsArticle{"Title", "", "", "https://example.com/a"};
    EXPECT_TRUE(fields(news).empty());  // a news reply needs no text
    news.news->title.clear();
    news.news->url = "ftp://example.com/a";
    news.news->pic_url = "https://example.com/pic with space.png";
    EXPECT_EQ(fields(news), (Fields{"news.title", "news.url", "news.pic_url"}));
}

TEST_F(KeywordServiceTest, CheckNamesPriorityScopeAndActiveHours) {
    Rule rule = keyword_rule({"k"}, "r");
    rule.priority = 1000;
    EXPECT_TRUE(fields(rule).empty());
    rule.priority = 1001;
    EXPECT_EQ(fields(rule), Fields{"priority"});
    rule.priority = -1001;
    EXPECT_EQ(fields(rule), Fields{"priority"});

    rule = keyword_rule({"k"}, "r");
    rule.scope.channels = {"mp", "no-such-channel"};
    rule.scope.chats = {"wrkGood", "", "has space", std::string(129, 'c')};
    EXPECT_EQ(fields(rule),
              (Fields{"scope.channels[1]", "scope.chats[1]", "scope.chats[2]", "scope.chats[3]"}));

    rule = keyword_rule({"k"}, "r");
    rule.active_hours = ActiveHours{9 * 60, 9 * 60};
    EXPECT_EQ(fields(rule), Fields{"active_hours"});
    rule.active_hours = ActiveHours{-1, 60};
    EXPECT_EQ(fields(rule), Fields{"active_hours"});
    rule.active_hours = ActiveHours{0, 1441};
    EXPECT_EQ(fields(rule), Fields{"active_hours"});
    rule.active_hours = ActiveHours{1440, 60};  // 24:00 only ends a span
    EXPECT_EQ(fields(rule), Fields{"active_hours"});
    rule.active_hours = ActiveHours{21 * 60, 9 * 60};  // the night, past midnight
    EXPECT_TRUE(fields(rule).empty());
    rule.active_hours = ActiveHours{0, 1440};
    EXPECT_TRUE(fields(rule).empty());
}

TEST_F(KeywordServiceTest, AFollowOrDefaultRuleTakesNoKeywords) {
    Rule follow = keyword_rule({"hi"}, "欢迎");
    follow.kind = RuleKind::Follow;
    const auto found = problems(follow);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].field, "keywords");
    EXPECT_EQ(found[0].reason, "must be empty for a follow rule");
    follow.kind = RuleKind::Default;
    EXPECT_EQ(fields(follow), Fields{"keywords"});
}

TEST_F(KeywordServiceTest, ACreatedRuleAnswersAtOnceOnEveryThread) {
    EXPECT_EQ(answer("怎么退款"), "");
    const Rule rule = create(keyword_rule({"退款"}, "请提供订单号"));
    EXPECT_EQ(rule.id, 1);
    EXPECT_EQ(rule.version, 1);
    EXPECT_EQ(rule.created_by, "admin");
    EXPECT_EQ(answer("怎么退款"), "请提供订单号");
    std::string seen;
    std::thread other([&] { seen = answer("怎么退款"); });
    other.join();
    EXPECT_EQ(seen, "请提供订单号");
}

TEST_F(KeywordServiceTest, AStoreFailureLeavesTheIndexAsItWas) {
    const Rule first = create(keyword_rule({"退款"}, "v1"));
    const auto before = service_->index();
    store_.set_unavailable(true);

    auto created = service_->create(keyword_rule({"发票"}, "invoice"), "admin", kNow);
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.error().code, ErrorCode::Unavailable);
    Rule changed = first;
    changed.reply = "v2";
    EXPECT_FALSE(service_->update(changed, "admin", kNow).ok());
    EXPECT_FALSE(service_->remove(first.id, first.version, "admin", kNow).ok());
    EXPECT_FALSE(service_->import({imported("o", {"x"}, "y")}, "admin", kNow).ok());

    EXPECT_EQ(service_->index(), before);  // not even rebuilt
    EXPECT_EQ(answer("发票"), "");
    EXPECT_EQ(answer("退款"), "v1");
    store_.set_unavailable(false);
    auto loaded = store_.load();
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded->size(), 1u);
}

TEST_F(KeywordServiceTest, AnUpdateFromAStaleVersionIsAbortedAndChangesNothing) {
    const Rule v1 = create(keyword_rule({"退款"}, "v1"));
    Rule edit = v1;
    edit.reply = "v2";
    auto v2 = service_->update(edit, "alice", kNow);
    ASSERT_TRUE(v2.ok()) << v2.error().message;
    EXPECT_EQ(v2->version, 2);
    EXPECT_EQ(v2->updated_by, "alice");
    EXPECT_EQ(answer("退款"), "v2");

    const auto before = service_->index();
    Rule stale = v1;  // read at version 1
    stale.reply = "lost update";
    auto refused = service_->update(stale, "bob", kNow);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::Aborted);
    EXPECT_EQ(service_->index(), before);
    EXPECT_EQ(answer("退款"), "v2");
    auto removed = service_->remove(v1.id, 1, "bob", kNow);
    ASSERT_FALSE(removed.ok());
    EXPECT_EQ(removed.error().code, ErrorCode::Aborted);
    EXPECT_EQ(answer("退款"), "v2");
}

TEST_F(KeywordServiceTest, AnImportIsAllOrNothing) {
    create(keyword_rule({"退款"}, "kept"));
    const auto before = service_->index();
    auto refused = service_->import(
        {imported("mp:mp:a", {"发票"}, "invoice"), imported("mp:mp:b", {"营业"}, "")}, "import",
        kNow);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(refused.error().field, "rules[1].reply");
    EXPECT_EQ(service_->index(), before);
    EXPECT_EQ(answer("发票"), "");
    EXPECT_EQ(service_->index()->rules().size(), 1u);
}

TEST_F(KeywordServiceTest, ImportingAgainUpdatesTheRulesOfTheSameOrigin) {
    auto first =
        service_->import({imported("mp:mp:a", {"发票"}, "invoice v1"),
                          imported("mp:mp:b", {"营业"}, "9-18"), keyword_rule({"你好"}, "hello")},
                         "import", kNow);
    ASSERT_TRUE(first.ok()) << first.error().message;
    ASSERT_EQ(first->size(), 3u);
    for (const auto& r : *first) EXPECT_EQ(r.version, 1);

    auto second =
        service_->import({imported("mp:mp:a", {"发票"}, "invoice v2"),
                          imported("mp:mp:c", {"地址"}, "here"), keyword_rule({"你好"}, "hello")},
                         "import", kNow);
    ASSERT_TRUE(second.ok()) << second.error().message;
    ASSERT_EQ(second->size(), 3u);
    EXPECT_EQ((*second)[0].id, (*first)[0].id);  // the same rule, changed
    EXPECT_EQ((*second)[0].version, 2);
    EXPECT_EQ((*second)[1].version, 1);  // a new origin: a new rule
    EXPECT_EQ((*second)[2].version, 1);  // no origin: always a new rule
    EXPECT_NE((*second)[2].id, (*first)[2].id);
    EXPECT_EQ(service_->index()->rules().size(), 5u);
    EXPECT_EQ(answer("开发票"), "invoice v2");
    EXPECT_EQ(answer("营业时间"), "9-18");  // not in the second import, still there
    EXPECT_EQ(answer("地址"), "here");
}

TEST_F(KeywordServiceTest, HistoryAndRestoreOfALiveRule) {
    const Rule v1 = create(keyword_rule({"退款"}, "v1"));
    Rule edit = v1;
    edit.reply = "v2";
    ASSERT_TRUE(service_->update(edit, "alice", kNow).ok());
    auto restored = service_->restore(v1.id, 1, "bob", kNow);
    ASSERT_TRUE(restored.ok()) << restored.error().message;
    EXPECT_EQ(restored->id, v1.id);
    EXPECT_EQ(restored->version, 3);
    EXPECT_EQ(answer("退款"), "v1");
    auto versions = service_->history(v1.id);
    ASSERT_TRUE(versions.ok());
    ASSERT_EQ(versions->size(), 3u);
    EXPECT_EQ(versions->back().actor, "bob");
    ASSERT_TRUE(versions->back().before.has_value());
    EXPECT_EQ(versions->back().before->reply, "v2");

    auto missing = service_->restore(v1.id, 9, "bob", kNow);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
}

TEST_F(KeywordServiceTest, RestoringADeletedRuleMakesANewOne) {
    const Rule v1 = create(keyword_rule({"退款"}, "v1"));
    ASSERT_TRUE(service_->remove(v1.id, 1, "alice", kNow).ok());
    EXPECT_EQ(answer("退款"), "");
    // The delete's own version has no rule after it.
    EXPECT_FALSE(service_->restore(v1.id, 2, "bob", kNow).ok());

    auto restored = service_->restore(v1.id, 1, "bob", kNow);
    ASSERT_TRUE(restored.ok()) << restored.error().message;
    EXPECT_NE(restored->id, v1.id);
    EXPECT_EQ(restored->version, 1);
    EXPECT_EQ(restored->created_by, "bob");
    EXPECT_EQ(answer("退款"), "v1");
    EXPECT_EQ(service_->index()->find(v1.id), nullptr);
}

// An imported rule deleted and imported again has its origin taken by the new rule; restoring the
// old one must still work, as a rule written here (the import keeps updating the new one).
TEST_F(KeywordServiceTest, RestoringADeletedRuleWhoseOriginIsTakenSinceDropsTheOrigin) {
    auto first = service_->import({imported("mp:mp:a", {"发票"}, "old")}, "import", kNow);
    ASSERT_TRUE(first.ok());
    const Rule old = first->front();
    ASSERT_TRUE(service_->remove(old.id, old.version, "alice", kNow).ok());
    auto again = service_->import({imported("mp:mp:a", {"发票"}, "new")}, "import", kNow);
    ASSERT_TRUE(again.ok());

    auto restored = service_->restore(old.id, 1, "bob", kNow);
    ASSERT_TRUE(restored.ok()) << restored.error().message;
    EXPECT_NE(restored->id, again->front().id);
    EXPECT_EQ(restored->origin, "");
    EXPECT_EQ(service_->index()->rules().size(), 2u);
    // Its origin still belongs to the rule the import made.
    auto third = service_->import({imported("mp:mp:a", {"发票"}, "newer")}, "import", kNow);
    ASSERT_TRUE(third.ok()) << third.error().message;
    EXPECT_EQ(third->front().id, again->front().id);
}

TEST_F(KeywordServiceTest, TestExplainsTheCandidatesAndFallsBackToTheDefault) {
    create(keyword_rule({"退款"}, "low"));
    Rule high = keyword_rule({"退款"}, "high");
    high.priority = 5;
    create(high);
    Rule off = keyword_rule({"退款"}, "off");
    off.enabled = false;
    create(off);

    auto result = service_->test("我要 退款", "group-bot", "wrkChat", kNow);
    ASSERT_NE(result.answer, nullptr);
    EXPECT_EQ(result.answer->reply, "high");
    EXPECT_FALSE(result.by_default);
    ASSERT_EQ(result.candidates.size(), 3u);
    EXPECT_EQ(result.candidates[0].why, NotChosen::None);

    EXPECT_EQ(service_->test("你好", "group-bot", "wrkChat", kNow).answer, nullptr);
    Rule fallback;
    fallback.kind = RuleKind::Default;
    fallback.reply = "稍后回复";
    create(fallback);
    result = service_->test("你好", "group-bot", "wrkChat", kNow);
    ASSERT_NE(result.answer, nullptr);
    EXPECT_TRUE(result.by_default);
    EXPECT_EQ(result.answer->reply, "稍后回复");
}

// A reader that matches in a loop while another thread edits sees every index whole: the two rules
// of one import are both there or both not, with the replies of the same import. No timing: the
// reader judges each index it holds, however many edits it misses.
TEST_F(KeywordServiceTest, ReadersSeeEachIndexWholeWhileAnotherThreadEdits) {
    constexpr int kEdits = 200;
    std::atomic<bool> done{false};
    std::atomic<int> torn{0};
    std::atomic<long> reads{0};
    std::thread reader([&] {
        const std::string alpha = normalize("alpha question");
        const std::string beta = normalize("beta question");
        while (!done.load(std::memory_order_acquire) || reads.load() == 0) {
            const auto index = service_->index();
            const Rule* a = index->match(alpha, kAnywhere);
            const Rule* b = index->match(beta, kAnywhere);
            if ((a == nullptr) != (b == nullptr) ||
                (a != nullptr && (a->reply != b->reply || a->version != b->version))) {
                ++torn;
            }
            if (index->rules().size() % 2 != 0) ++torn;
            ++reads;
        }
    });
    for (int i = 0; i < kEdits; ++i) {
        const std::string reply = "edit " + std::to_string(i);
        auto done_import = service_->import(
            {imported("a", {"alpha"}, reply), imported("b", {"beta"}, reply)}, "import", kNow);
        ASSERT_TRUE(done_import.ok()) << done_import.error().message;
    }
    done.store(true, std::memory_order_release);
    reader.join();
    EXPECT_EQ(torn.load(), 0);
    EXPECT_GT(reads.load(), 0);
    EXPECT_EQ(answer("alpha"), "edit " + std::to_string(kEdits - 1));
}

}  // namespace
}  // namespace groupdesk::keywords
