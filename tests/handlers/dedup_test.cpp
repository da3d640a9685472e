// DedupHandler: keys, the stored answer format, and the first-delivery / retry / in-flight flow
// through a real Pipeline over the in-memory store.
#include "handlers/dedup.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "handlers/pipeline.h"
#include "tests/support/memory_dedup_store.h"

namespace groupdesk::handlers {
namespace {

using Kind = Outcome::Kind;
using namespace std::chrono_literals;

wecom::InboundMessage text_message(std::string msg_id, std::string content = "hello") {
    wecom::InboundMessage msg;
    msg.msg_type = "text";
    msg.msg_id = std::move(msg_id);
    msg.sender = "zhangsan";
    msg.recipient = "ww1234";
    msg.create_time = 1700000000;
    msg.body = wecom::TextBody{std::move(content)};
    return msg;
}

wecom::InboundMessage event_message(std::string sender, std::int64_t create_time, std::string event,
                                    std::string change_type = "") {
    wecom::InboundMessage msg;
    msg.msg_type = "event";
    msg.sender = std::move(sender);
    msg.recipient = "ww1234";
    msg.create_time = create_time;
    wecom::EventBody body;
    body.event = std::move(event);
    body.change_type = std::move(change_type);
    msg.body = std::move(body);
    return msg;
}

// Stands for the handlers after dedup: answers a fixed outcome and counts its calls.
class CountingHandler final : public Handler {
public:
    explicit CountingHandler(Outcome outcome) : outcome_(std::move(outcome)) {}
    std::string_view name() const override { return "replier"; }
    Outcome handle(const wecom::InboundMessage&, Context&) override {
        ++calls;
        return outcome_;
    }
    void set_outcome(Outcome outcome) { outcome_ = std::move(outcome); }
    int calls = 0;

private:
    Outcome outcome_;
};

class DedupFlowTest : public ::testing::Test {
protected:
    DedupFlowTest() {
        channel_.name = "app";
        auto dedup = std::make_unique<DedupHandler>(store_);
        auto next = std::make_unique<CountingHandler>(Outcome::reply(wecom::TextReply{"hi there"}));
        next_ = next.get();
        pipeline_.add(std::move(dedup));
        pipeline_.add(std::move(next));
    }

    struct Delivery {
        PipelineResult result;
        std::vector<DurableWrite> writes;
    };

    Delivery deliver(const wecom::InboundMessage& msg) {
        Context ctx{channel_, now_, "req", {}};
        PipelineResult result = pipeline_.run(msg, ctx);
        return Delivery{std::move(result), std::move(ctx.before_answer)};
    }

    // What the endpoint does before answering: start every write and collect the statuses.
    static std::vector<Status> run_writes(std::vector<DurableWrite>& writes) {
        std::vector<Status> statuses;
        for (auto& write : writes) write([&statuses](const Status& s) { statuses.push_back(s); });
        return statuses;
    }

    config::Channel channel_;
    std::chrono::system_clock::time_point now_{std::chrono::seconds{1700000000}};
    test::MemoryDedupStore store_;
    Pipeline pipeline_;
    CountingHandler* next_ = nullptr;
};

TEST(DedupKey, MessageKeyIsChannelAndMsgId) {
    auto a = text_message("1234567890123456789", "one");
    auto b = text_message("1234567890123456789", "two");
    b.sender = "lisi";
    b.create_time = 1;
    // Only channel and MsgId count: the same MsgId is the same message.
    EXPECT_EQ(dedup_key("app", a), dedup_key("app", b));
    EXPECT_NE(dedup_key("app", a), dedup_key("app", text_message("1234567890123456780")));
}

TEST(DedupKey, SameMsgIdOnTwoChannelsAreDifferentKeys) {
    auto msg = text_message("42");
    EXPECT_NE(dedup_key("app", msg), dedup_key("oa", msg));
}

TEST(DedupKey, EventKeyUsesSenderCreateTimeAndEvent) {
    auto base = event_message("zhangsan", 1700000000, "enter_agent");
    auto same = base;
    same.recipient = "other";
    EXPECT_EQ(dedup_key("app", base), dedup_key("app", same));

    EXPECT_NE(dedup_key("app", base),
              dedup_key("app", event_message("lisi", 1700000000, "enter_agent")));
    EXPECT_NE(dedup_key("app", base),
              dedup_key("app", event_message("zhangsan", 1700000001, "enter_agent")));
    EXPECT_NE(dedup_key("app", base),
              dedup_key("app", event_message("zhangsan", 1700000000, "click")));
    EXPECT_NE(dedup_key("app", base), dedup_key("oa", base));
}

// Two menu clicks by one user in the same second are two events, not a retry.
TEST(DedupKey, EventKeyAndOtherEventFieldsCount) {
    auto orders = event_message("oUser", 1700000000, "CLICK");
    std::get<wecom::EventBody>(orders.body).event_key = "MENU_ORDERS";
    auto refunds = orders;
    std::get<wecom::EventBody>(refunds.body).event_key = "MENU_REFUNDS";
    EXPECT_NE(dedup_key("oa", orders), dedup_key("oa", refunds));
    EXPECT_EQ(dedup_key("oa", orders), dedup_key("oa", wecom::InboundMessage(orders)));

    auto scan_a = event_message("u", 1700000000, "scancode_push");
    std::get<wecom::EventBody>(scan_a.body).fields["ScanResult"] = "A";
    auto scan_b = scan_a;
    std::get<wecom::EventBody>(scan_b.body).fields["ScanResult"] = "B";
    EXPECT_NE(dedup_key("app", scan_a), dedup_key("app", scan_b));
    // A field's name and value cannot trade places with another field's.
    auto shifted = event_message("u", 1700000000, "scancode_push");
    std::get<wecom::EventBody>(shifted.body).fields["ScanResultA"] = "";
    EXPECT_NE(dedup_key("app", scan_a), dedup_key("app", shifted));
}

// The flow of the bug: the second click of the same second is handled, not answered as a retry.
TEST_F(DedupFlowTest, SecondMenuClickInTheSameSecondIsHandled) {
    auto first = event_message("oUser", 1700000000, "CLICK");
    std::get<wecom::EventBody>(first.body).event_key = "MENU_ORDERS";
    auto second = first;
    std::get<wecom::EventBody>(second.body).event_key = "MENU_REFUNDS";

    auto d1 = deliver(first);
    ASSERT_EQ(run_writes(d1.writes).size(), 1u);
    auto d2 = deliver(second);
    EXPECT_EQ(d2.result.decided_by, "replier");
    EXPECT_EQ(next_->calls, 2);
}

TEST(DedupKey, ChangeTypeCountsWhenPresent) {
    auto add = event_message("sys", 1700000000, "change_contact", "create_user");
    auto update = event_message("sys", 1700000000, "change_contact", "update_user");
    auto none = event_message("sys", 1700000000, "change_contact");
    EXPECT_NE(dedup_key("app", add), dedup_key("app", update));
    EXPECT_NE(dedup_key("app", add), dedup_key("app", none));
}

TEST(DedupKey, FieldBoundariesCannotBeShifted) {
    const std::string unit_sep(1, '\x1f');
    EXPECT_NE(dedup_key("a", text_message(std::string("b").append(unit_sep).append("c"))),
              dedup_key(std::string("a").append(unit_sep).append("b"), text_message("c")));
    EXPECT_NE(dedup_key("a", text_message("12")), dedup_key("a1", text_message("2")));
    EXPECT_NE(dedup_key("app", event_message("ab", 1, "c")),
              dedup_key("app", event_message("a", 1, "bc")));
    EXPECT_NE(dedup_key("app", event_message("u1", 23, "x")),
              dedup_key("app", event_message("u", 123, "x")));
    // An event whose fields spell out a MsgId key is still not that key.
    auto event = event_message("u", 1, "e");
    EXPECT_NE(dedup_key("app", event), dedup_key("app", text_message(dedup_key("", event))));
}

TEST(DedupAnswer, TextReplyRoundTrips) {
    std::string content = "工单 #12 已创建 \"quoted\" \\ \n newline";
    auto parsed = parse_answer(serialize_answer(Outcome::reply(wecom::TextReply{content})));
    ASSERT_TRUE(parsed.has_value());
    ASSERT_EQ(parsed->kind(), Kind::Reply);
    EXPECT_EQ(std::get<wecom::TextReply>(parsed->reply()).content, content);
}

TEST(DedupAnswer, NewsReplyRoundTrips) {
    wecom::NewsReply news;
    news.articles.push_back({"标题", "desc", "https://example.com/a.png", "https://example.com/a"});
    news.articles.push_back({"second", "", "", "https://example.com/b"});
    auto parsed = parse_answer(serialize_answer(Outcome::reply(news)));
    ASSERT_TRUE(parsed.has_value());
    ASSERT_EQ(parsed->kind(), Kind::Reply);
    const auto& got = std::get<wecom::NewsReply>(parsed->reply());
    ASSERT_EQ(got.articles.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(got.articles[i].title, news.articles[i].title);
        EXPECT_EQ(got.articles[i].description, news.articles[i].description);
        EXPECT_EQ(got.articles[i].pic_url, news.articles[i].pic_url);
        EXPECT_EQ(got.articles[i].url, news.articles[i].url);
    }
}

TEST(DedupAnswer, NoReplyReadsBackAsStop) {
    for (const Outcome& outcome : {Outcome::pass(), Outcome::stop("loop guard")}) {
        auto parsed = parse_answer(serialize_answer(outcome));
        ASSERT_TRUE(parsed.has_value());
        EXPECT_EQ(parsed->kind(), Kind::Stop);
        EXPECT_EQ(parsed->reason(), "duplicate");
    }
}

TEST(DedupAnswer, GarbageIsRejected) {
    for (std::string_view garbage : {
             "",
             "not json",
             "[]",
             "{}",
             "{\"v\":3,\"kind\":\"none\"}",
             "{\"v\":0,\"kind\":\"none\"}",
             "{\"v\":4294967297,\"kind\":\"none\"}",
             "{\"v\":\"1\",\"kind\":\"none\"}",
             "{\"v\":1}",
             "{\"v\":1,\"kind\":\"voice\"}",
             "{\"v\":1,\"kind\":\"text\"}",
             "{\"v\":1,\"kind\":\"text\",\"content\":5}",
             "{\"v\":1,\"kind\":\"news\",\"articles\":{}}",
             "{\"v\":1,\"kind\":\"news\",\"articles\":[{\"title\":\"t\"}]}",
             "{\"v\":1,\"kind\":\"news\",\"articles\":[1]}",
             "{\"v\":1,\"kind\":\"text\",\"content\":\"unterminated",
         }) {
        EXPECT_FALSE(parse_answer(garbage).has_value()) << garbage;
    }
}

TEST_F(DedupFlowTest, FirstDeliveryPassesAndIsRecordedOnlyWhenTheWriteRuns) {
    auto msg = text_message("1001");
    Delivery first = deliver(msg);
    ASSERT_EQ(first.result.outcome.kind(), Kind::Reply);
    EXPECT_EQ(first.result.decided_by, "replier");
    EXPECT_EQ(next_->calls, 1);
    ASSERT_EQ(first.writes.size(), 1u);
    EXPECT_EQ(store_.size(), 0u);  // nothing is durable until the endpoint runs the write

    auto statuses = run_writes(first.writes);
    ASSERT_EQ(statuses.size(), 1u);
    EXPECT_TRUE(statuses[0].ok());
    auto stored = store_.find(dedup_key("app", msg));
    ASSERT_TRUE(stored.ok());
    ASSERT_TRUE(stored->has_value());
    auto answer = parse_answer(**stored);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(std::get<wecom::TextReply>(answer->reply()).content, "hi there");
}

TEST_F(DedupFlowTest, RetryGetsTheIdenticalReplyWithoutRunningLaterHandlers) {
    auto msg = text_message("1002");
    Delivery first = deliver(msg);
    (void)run_writes(first.writes);
    // Had the later handlers run again, they would answer differently.
    next_->set_outcome(Outcome::reply(wecom::TextReply{"a different answer"}));

    Delivery retry = deliver(msg);
    ASSERT_EQ(retry.result.outcome.kind(), Kind::Reply);
    EXPECT_EQ(std::get<wecom::TextReply>(retry.result.outcome.reply()).content, "hi there");
    EXPECT_EQ(retry.result.decided_by, "dedup");
    EXPECT_EQ(next_->calls, 1);
    EXPECT_TRUE(retry.writes.empty());
}

// The endpoint tells a replayed answer from a fresh one by the outcome, not by who decided.
TEST_F(DedupFlowTest, OnlyAnAnswerFromTheRecordIsMarkedReplayed) {
    auto msg = text_message("4242");
    auto first = deliver(msg);
    EXPECT_FALSE(first.result.outcome.replayed());
    ASSERT_EQ(run_writes(first.writes).size(), 1u);
    auto retry = deliver(msg);
    EXPECT_TRUE(retry.result.outcome.replayed());
    EXPECT_EQ(retry.result.outcome.kind(), Outcome::Kind::Reply);
}

TEST_F(DedupFlowTest, NoReplyIsRememberedAndARetryStops) {
    next_->set_outcome(Outcome::pass());
    auto msg = event_message("zhangsan", 1700000000, "enter_agent");
    Delivery first = deliver(msg);
    EXPECT_EQ(first.result.outcome.kind(), Kind::Pass);
    (void)run_writes(first.writes);

    Delivery retry = deliver(msg);
    EXPECT_EQ(retry.result.outcome.kind(), Kind::Stop);
    EXPECT_EQ(retry.result.outcome.reason(), "duplicate");
    EXPECT_EQ(retry.result.decided_by, "dedup");
    EXPECT_EQ(next_->calls, 1);
    // A later event of the same user is a different callback.
    Delivery later = deliver(event_message("zhangsan", 1700000005, "enter_agent"));
    EXPECT_EQ(later.result.outcome.kind(), Kind::Pass);
    EXPECT_EQ(next_->calls, 2);
}

TEST_F(DedupFlowTest, SameMsgIdOnAnotherChannelIsNotADuplicate) {
    auto msg = text_message("1003");
    Delivery first = deliver(msg);
    (void)run_writes(first.writes);
    channel_.name = "oa";
    Delivery other = deliver(msg);
    EXPECT_EQ(other.result.decided_by, "replier");
    EXPECT_EQ(next_->calls, 2);
}

TEST_F(DedupFlowTest, DuplicateInFlightIsToldToRetry) {
    auto msg = text_message("1004");
    Delivery first = deliver(msg);  // handled, but its record is not durable yet
    Delivery copy = deliver(msg);
    EXPECT_EQ(copy.result.outcome.kind(), Kind::RetryLater);
    EXPECT_EQ(copy.result.outcome.reason(), "duplicate in flight");
    EXPECT_EQ(copy.result.decided_by, "dedup");
    EXPECT_EQ(next_->calls, 1);

    (void)run_writes(first.writes);
    Delivery retry = deliver(msg);
    ASSERT_EQ(retry.result.outcome.kind(), Kind::Reply);
    EXPECT_EQ(retry.result.decided_by, "dedup");
    EXPECT_EQ(next_->calls, 1);
}

TEST_F(DedupFlowTest, StoreFailureOnLookupIsRetryLaterAndLeavesNoClaim) {
    auto msg = text_message("1005");
    store_.set_unavailable(true);
    Delivery failed = deliver(msg);
    EXPECT_EQ(failed.result.outcome.kind(), Kind::RetryLater);
    EXPECT_EQ(failed.result.decided_by, "dedup");
    EXPECT_EQ(next_->calls, 0);

    store_.set_unavailable(false);
    Delivery retry = deliver(msg);
    EXPECT_EQ(retry.result.decided_by, "replier");
    EXPECT_EQ(next_->calls, 1);
}

TEST_F(DedupFlowTest, StoreFailureOnRecordReportsItAndReleasesTheClaim) {
    auto msg = text_message("1006");
    Delivery first = deliver(msg);
    store_.set_unavailable(true);
    auto statuses = run_writes(first.writes);
    ASSERT_EQ(statuses.size(), 1u);
    ASSERT_FALSE(statuses[0].ok());
    EXPECT_EQ(statuses[0].error().code, ErrorCode::Unavailable);

    // The platform got a 503 and retries: nothing was answered, so the chain runs again.
    store_.set_unavailable(false);
    Delivery retry = deliver(msg);
    EXPECT_EQ(retry.result.decided_by, "replier");
    EXPECT_EQ(next_->calls, 2);
}

TEST_F(DedupFlowTest, RetryLaterFromALaterHandlerRecordsNothing) {
    auto msg = text_message("1007");
    next_->set_outcome(Outcome::retry_later("busy"));
    Delivery first = deliver(msg);
    EXPECT_EQ(first.result.outcome.kind(), Kind::RetryLater);
    EXPECT_TRUE(first.writes.empty());
    EXPECT_EQ(store_.records_made(), 0u);

    next_->set_outcome(Outcome::reply(wecom::TextReply{"now"}));
    Delivery retry = deliver(msg);  // not "in flight": the claim went with the RetryLater
    ASSERT_EQ(retry.result.outcome.kind(), Kind::Reply);
    EXPECT_EQ(retry.result.decided_by, "replier");
}

TEST_F(DedupFlowTest, AWriteDroppedWithoutRunningReleasesTheClaim) {
    auto msg = text_message("1008");
    {
        Delivery first = deliver(msg);
        ASSERT_EQ(first.writes.size(), 1u);
    }  // the endpoint gave up before starting the write
    Delivery retry = deliver(msg);
    EXPECT_EQ(retry.result.decided_by, "replier");
    EXPECT_EQ(next_->calls, 2);
}

TEST_F(DedupFlowTest, UnreadableRecordStopsRatherThanRunningTwice) {
    auto msg = text_message("1009");
    store_.record(dedup_key("app", msg), "garbage", now_, [](const Status&) {});
    Delivery retry = deliver(msg);
    EXPECT_EQ(retry.result.outcome.kind(), Kind::Stop);
    EXPECT_EQ(next_->calls, 0);
}

}  // namespace
}  // namespace groupdesk::handlers
