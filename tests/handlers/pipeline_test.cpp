// Pipeline: handler order, what each outcome does to the chain, and who gets on_complete().
#include "handlers/pipeline.h"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "handlers/dedup.h"

namespace groupdesk::handlers {
namespace {

using Kind = Outcome::Kind;

std::string kind_name(Kind kind) {
    switch (kind) {
        case Kind::Pass:
            return "pass";
        case Kind::Reply:
            return "reply";
        case Kind::Stop:
            return "stop";
        case Kind::RetryLater:
            return "retry_later";
    }
    return "?";
}

// Answers a fixed outcome and writes what happened to it into a shared log.
class ScriptedHandler final : public Handler {
public:
    ScriptedHandler(std::string name, Outcome outcome, std::vector<std::string>& log)
        : name_(std::move(name)), outcome_(std::move(outcome)), log_(log) {}

    std::string_view name() const override { return name_; }
    Outcome handle(const wecom::InboundMessage&, Context&) override {
        log_.push_back("handle " + name_);
        return outcome_;
    }
    void on_complete(const wecom::InboundMessage&, const Outcome& final, Context& ctx) override {
        log_.push_back("complete " + name_ + " " + kind_name(final.kind()));
        // A completing handler may queue a write the endpoint runs before answering.
        ctx.before_answer.push_back([](const DurableDone& done) { done(ok_status()); });
    }

private:
    std::string name_;
    Outcome outcome_;
    std::vector<std::string>& log_;
};

class ThrowingHandler final : public Handler {
public:
    std::string_view name() const override { return "thrower"; }
    Outcome handle(const wecom::InboundMessage&, Context&) override {
        throw std::runtime_error("boom");
    }
};

class PipelineTest : public ::testing::Test {
protected:
    void add(std::string name, Outcome outcome) {
        pipeline_.add(std::make_unique<ScriptedHandler>(std::move(name), std::move(outcome), log_));
    }
    PipelineResult run() { return pipeline_.run(msg_, ctx_); }

    static config::Channel make_channel() {
        config::Channel channel;
        channel.name = "app";
        return channel;
    }

    config::Channel channel_ = make_channel();
    Context ctx_{channel_, std::chrono::system_clock::time_point{}, "req-1", {}};
    wecom::InboundMessage msg_;
    Pipeline pipeline_;
    std::vector<std::string> log_;
};

TEST_F(PipelineTest, EmptyPipelinePasses) {
    PipelineResult result = run();
    EXPECT_EQ(result.outcome.kind(), Kind::Pass);
    EXPECT_EQ(result.decided_by, "");
    EXPECT_TRUE(ctx_.before_answer.empty());
}

TEST_F(PipelineTest, AllPassRunsEveryHandlerInOrderThenCompletesEachWithPass) {
    add("a", Outcome::pass());
    add("b", Outcome::pass());
    add("c", Outcome::pass());
    PipelineResult result = run();
    EXPECT_EQ(result.outcome.kind(), Kind::Pass);
    EXPECT_EQ(result.decided_by, "");
    EXPECT_EQ(log_, (std::vector<std::string>{"handle a", "handle b", "handle c", "complete a pass",
                                              "complete b pass", "complete c pass"}));
    EXPECT_EQ(ctx_.before_answer.size(), 3u);
}

TEST_F(PipelineTest, ReplyEndsTheChainAndOnlyEarlierHandlersComplete) {
    add("a", Outcome::pass());
    add("b", Outcome::pass());
    add("replier", Outcome::reply(wecom::TextReply{"hello"}));
    add("after", Outcome::pass());
    PipelineResult result = run();
    ASSERT_EQ(result.outcome.kind(), Kind::Reply);
    EXPECT_EQ(std::get<wecom::TextReply>(result.outcome.reply()).content, "hello");
    EXPECT_EQ(result.decided_by, "replier");
    EXPECT_EQ(log_, (std::vector<std::string>{"handle a", "handle b", "handle replier",
                                              "complete a reply", "complete b reply"}));
}

TEST_F(PipelineTest, StopEndsTheChainWithItsReason) {
    add("a", Outcome::pass());
    add("guard", Outcome::stop("own message"));
    add("after", Outcome::reply(wecom::TextReply{"never"}));
    PipelineResult result = run();
    EXPECT_EQ(result.outcome.kind(), Kind::Stop);
    EXPECT_EQ(result.outcome.reason(), "own message");
    EXPECT_EQ(result.decided_by, "guard");
    EXPECT_EQ(log_, (std::vector<std::string>{"handle a", "handle guard", "complete a stop"}));
}

TEST_F(PipelineTest, RetryLaterEndsTheChainAndEarlierHandlersSeeIt) {
    add("a", Outcome::pass());
    add("busy", Outcome::retry_later("store down"));
    add("after", Outcome::pass());
    PipelineResult result = run();
    EXPECT_EQ(result.outcome.kind(), Kind::RetryLater);
    EXPECT_EQ(result.outcome.reason(), "store down");
    EXPECT_EQ(result.decided_by, "busy");
    EXPECT_EQ(log_,
              (std::vector<std::string>{"handle a", "handle busy", "complete a retry_later"}));
}

TEST_F(PipelineTest, FirstHandlerDecidingMeansNobodyCompletes) {
    add("first", Outcome::reply(wecom::TextReply{"hi"}));
    add("second", Outcome::pass());
    PipelineResult result = run();
    EXPECT_EQ(result.decided_by, "first");
    EXPECT_EQ(log_, (std::vector<std::string>{"handle first"}));
    EXPECT_TRUE(ctx_.before_answer.empty());
}

TEST_F(PipelineTest, ThrowingHandlerBecomesRetryLaterAndEarlierHandlersStillComplete) {
    add("a", Outcome::pass());
    pipeline_.add(std::make_unique<ThrowingHandler>());
    add("after", Outcome::pass());
    PipelineResult result = run();
    EXPECT_EQ(result.outcome.kind(), Kind::RetryLater);
    EXPECT_NE(result.outcome.reason().find("boom"), std::string::npos);
    EXPECT_EQ(result.decided_by, "thrower");
    EXPECT_EQ(log_, (std::vector<std::string>{"handle a", "complete a retry_later"}));
}

TEST_F(PipelineTest, RunsAreIndependent) {
    add("a", Outcome::pass());
    add("b", Outcome::stop("done"));
    (void)run();
    log_.clear();
    PipelineResult again = run();
    EXPECT_EQ(again.outcome.kind(), Kind::Stop);
    EXPECT_EQ(log_, (std::vector<std::string>{"handle a", "handle b", "complete a stop"}));
}

// The handler that ends the chain (a command that creates a ticket and replies) makes its effect
// durable before the answer from handle(), keyed by the callback's source key.
class EffectfulReplier final : public Handler {
public:
    std::string_view name() const override { return "replier"; }
    Outcome handle(const wecom::InboundMessage&, Context& ctx) override {
        seen_key = ctx.source_key;
        ctx.before_answer.push_back([key = ctx.source_key, this](const DurableDone& done) {
            written_key = key;
            done(ok_status());
        });
        return Outcome::reply(wecom::TextReply{"created"});
    }
    std::string seen_key;
    std::string written_key;
};

TEST_F(PipelineTest, TheDecidingHandlerAddsItsEffectsKeyedByTheSourceKey) {
    msg_.msg_id = "24800000000000001";
    add("a", Outcome::pass());
    auto replier = std::make_unique<EffectfulReplier>();
    EffectfulReplier* r = replier.get();
    pipeline_.add(std::move(replier));
    PipelineResult result = run();
    EXPECT_EQ(result.outcome.kind(), Kind::Reply);
    EXPECT_FALSE(result.outcome.replayed());
    // The key is the dedup key, set before the first handler ran.
    EXPECT_EQ(r->seen_key, dedup_key("app", msg_));
    EXPECT_EQ(ctx_.source_key, r->seen_key);
    ASSERT_EQ(ctx_.before_answer.size(), 2u);  // the replier's effect and "a"'s completion write
    for (auto& write : ctx_.before_answer) write([](const Status&) {});
    EXPECT_EQ(r->written_key, r->seen_key);
}

}  // namespace
}  // namespace groupdesk::handlers
