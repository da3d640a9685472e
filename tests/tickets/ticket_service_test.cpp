// TicketService: who may do what, what each action stores, and re-planning when a concurrent
// change won — over the in-memory store, so the rules are tested without a database.
#include "tickets/ticket_service.h"

#include <gtest/gtest.h>

#include "tests/support/memory_ticket_store.h"
#include "tests/support/observed_ticket_store.h"

namespace groupdesk::tickets {
namespace {

using namespace std::chrono_literals;

const time_point kNow = time_point{std::chrono::seconds{1767225601}};
const Actor kCustomer{"wangwu", ActorRole::Customer};
const Actor kOtherCustomer{"zhaoliu", ActorRole::Customer};
const Actor kAgent{"zhangsan", ActorRole::Agent};
const Actor kAdmin{"lisi", ActorRole::Admin};
const Conversation kGroup{"group-bot", GroupKind::Chat, "wrkSFfCgAAxxxx"};
const Conversation kOtherGroup{"group-bot", GroupKind::Chat, "wrkSFfCgAAyyyy"};

class TicketServiceTest : public ::testing::Test {
protected:
    Ticket create(const Actor& actor = kCustomer, std::string title = "打印机无法连接") {
        NewTicket request;
        request.title = std::move(title);
        auto made = service_.create(request, actor, kGroup, kNow);
        EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message);
        return made.ok() ? *made : Ticket{};
    }
    Result<Ticket> move(std::int64_t number, TicketStatus to, const Actor& actor,
                        const Conversation* where = &kGroup) {
        TicketEdit edit;
        edit.status = to;
        auto change = service_.plan_edit(number, edit, actor, where, kNow + 1h);
        if (!change.ok()) return std::move(change).error();
        Ticket after = change->ticket;
        Status status = ok_status();
        service_.apply(std::move(change).value(), [&](Status s) { status = std::move(s); });
        if (!status.ok()) return std::move(status).error();
        return after;
    }

    test::MemoryTicketStore store_;
    TicketService service_{store_};
};

TEST_F(TicketServiceTest, CreateStoresTheTicketAndItsFirstEvent) {
    const Ticket t = create();
    EXPECT_EQ(t.number, 1);
    EXPECT_EQ(t.status, TicketStatus::Open);
    EXPECT_EQ(t.reporter, "wangwu");
    EXPECT_EQ(t.group, kGroup.group);
    EXPECT_EQ(t.revision, 1);
    auto stored = store_.find(1);
    ASSERT_TRUE(stored.ok());
    ASSERT_TRUE(stored->has_value());
    EXPECT_EQ((*stored)->title, "打印机无法连接");
    auto events = store_.events(1);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), 1u);
    EXPECT_EQ((*events)[0].action, EventAction::Create);
    EXPECT_EQ((*events)[0].actor_role, ActorRole::Customer);
    EXPECT_EQ(create().number, 2);
}

TEST_F(TicketServiceTest, ALongTitleIsCutAndKeptWholeInTheDescription) {
    std::string title;
    for (int i = 0; i < 130; ++i) title += "字";
    NewTicket request;
    request.title = title;
    request.description = "更多细节";
    auto made = service_.create(request, kCustomer, kGroup, kNow);
    ASSERT_TRUE(made.ok());
    EXPECT_EQ(count_chars(made->title), kMaxTitleChars);
    EXPECT_TRUE(made->title.ends_with("…"));
    EXPECT_EQ(made->description, title + "\n更多细节");
}

TEST_F(TicketServiceTest, BadFieldsAreRefusedNamingTheFieldAndStoreNothing) {
    NewTicket request;
    request.title = "  ";
    auto made = service_.create(request, kCustomer, kGroup, kNow);
    ASSERT_FALSE(made.ok());
    EXPECT_EQ(made.error().field, "title");
    request.title = std::string("nul\0byte", 8);
    made = service_.create(request, kCustomer, kGroup, kNow);
    ASSERT_FALSE(made.ok());
    EXPECT_EQ(made.error().field, "title");
    request.title = "x";
    request.category = std::string(33, 'c');
    made = service_.create(request, kCustomer, kGroup, kNow);
    ASSERT_FALSE(made.ok());
    EXPECT_EQ(made.error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(made.error().field, "category");
    auto page = store_.list(TicketQuery{});
    ASSERT_TRUE(page.ok());
    EXPECT_TRUE(page->tickets.empty());
}

TEST_F(TicketServiceTest, OnlyAgentsAssign) {
    NewTicket request;
    request.title = "VPN down";
    request.assignee = "@zhangsan";
    auto refused = service_.create(request, kCustomer, kGroup, kNow);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::PermissionDenied);
    auto made = service_.create(request, kAgent, kGroup, kNow);
    ASSERT_TRUE(made.ok());
    EXPECT_EQ(made->assignee, "zhangsan");  // the '@' is how it was written, not the name
    auto events = store_.events(made->number);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), 2u);
    EXPECT_EQ((*events)[1].action, EventAction::Assign);
    EXPECT_EQ((*events)[1].to, "zhangsan");
}

TEST_F(TicketServiceTest, ACustomerSeesOnlyTheTicketsOfTheirConversation) {
    const Ticket t = create();
    auto elsewhere = service_.get(t.number, kOtherCustomer, &kOtherGroup);
    ASSERT_FALSE(elsewhere.ok());
    EXPECT_EQ(elsewhere.error().code, ErrorCode::NotFound);
    EXPECT_TRUE(service_.get(t.number, kAgent, &kOtherGroup).ok());
    EXPECT_TRUE(service_.get(t.number, kOtherCustomer, &kGroup).ok());
    auto comment = service_.plan_comment(t.number, "还是不行", kOtherCustomer, &kOtherGroup, kNow);
    ASSERT_FALSE(comment.ok());
    EXPECT_EQ(comment.error().code, ErrorCode::NotFound);
    TicketQuery query;  // no filter: a customer's list is still their conversation's
    auto page = service_.list(query, kOtherCustomer, &kOtherGroup);
    ASSERT_TRUE(page.ok());
    EXPECT_TRUE(page->tickets.empty());
    page = service_.list(query, kAgent, &kOtherGroup);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->tickets.size(), 1u);
}

TEST_F(TicketServiceTest, AgentsMoveTicketsThroughTheirStates) {
    const Ticket t = create();
    auto refused = move(t.number, TicketStatus::Resolved, kCustomer);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::PermissionDenied);

    auto started = move(t.number, TicketStatus::InProgress, kAgent, &kOtherGroup);
    ASSERT_TRUE(started.ok());
    EXPECT_EQ(started->first_response_at, kNow + 1h);
    auto resolved = move(t.number, TicketStatus::Resolved, kAgent);
    ASSERT_TRUE(resolved.ok());
    EXPECT_EQ(resolved->resolved_at, kNow + 1h);
    EXPECT_EQ(resolved->revision, 3);
    auto closed = move(t.number, TicketStatus::Closed, kAgent);
    ASSERT_TRUE(closed.ok());
    EXPECT_TRUE(closed->closed_at.has_value());

    auto events = store_.events(t.number);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), 4u);
    EXPECT_EQ((*events)[3].action, EventAction::Close);
    EXPECT_EQ((*events)[3].from, "resolved");
    EXPECT_EQ((*events)[3].to, "closed");
    EXPECT_EQ((*events)[3].actor, "zhangsan");
}

TEST_F(TicketServiceTest, AnIllegalTransitionIsRefusedNamingFromAndTo) {
    const Ticket t = create();
    auto refused = move(t.number, TicketStatus::Closed, kAgent);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::FailedPrecondition);
    EXPECT_NE(refused.error().public_reason.find("open → closed"), std::string::npos);
}

TEST_F(TicketServiceTest, TheReporterMayReopenTheirOwnTicketAndNobodyElse) {
    const Ticket t = create();
    ASSERT_TRUE(move(t.number, TicketStatus::Resolved, kAgent).ok());
    auto other = move(t.number, TicketStatus::Open, kOtherCustomer);
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().code, ErrorCode::PermissionDenied);
    auto reopened = move(t.number, TicketStatus::Open, kCustomer);
    ASSERT_TRUE(reopened.ok());
    EXPECT_EQ(reopened->status, TicketStatus::Open);
    EXPECT_FALSE(reopened->resolved_at.has_value());
}

TEST_F(TicketServiceTest, AClosedTicketsRecordIsForAdminsOnly) {
    const Ticket t = create();
    ASSERT_TRUE(move(t.number, TicketStatus::Resolved, kAgent).ok());
    ASSERT_TRUE(move(t.number, TicketStatus::Closed, kAgent).ok());
    TicketEdit edit;
    edit.priority = Priority::Urgent;
    auto agent = service_.edit(t.number, edit, kAgent, kNow);
    ASSERT_FALSE(agent.ok());
    EXPECT_EQ(agent.error().code, ErrorCode::PermissionDenied);
    auto admin = service_.edit(t.number, edit, kAdmin, kNow);
    ASSERT_TRUE(admin.ok());
    EXPECT_EQ(admin->priority, Priority::Urgent);
}

TEST_F(TicketServiceTest, AnEditThatChangesNothingStoresNothing) {
    NewTicket request;
    request.title = "VPN";
    request.assignee = "zhangsan";
    auto made = service_.create(request, kAgent, kGroup, kNow);
    ASSERT_TRUE(made.ok());
    TicketEdit edit;
    edit.assignee = "@zhangsan";
    auto change = service_.plan_edit(made->number, edit, kAgent, nullptr, kNow);
    ASSERT_TRUE(change.ok());
    EXPECT_TRUE(change->events.empty());
    auto same = service_.edit(made->number, edit, kAgent, kNow);
    ASSERT_TRUE(same.ok());
    EXPECT_EQ(same->revision, 1);
}

TEST_F(TicketServiceTest, CommentsAreEventsAndAnAgentsFirstOneIsTheFirstResponse) {
    const Ticket t = create();
    auto own = service_.comment(t.number, "补充：型号 HP 1020", kCustomer, kNow + 1min);
    ASSERT_TRUE(own.ok());
    EXPECT_FALSE(own->first_response_at.has_value());
    auto agent = service_.comment(t.number, "已派人", kAgent, kNow + 2min);
    ASSERT_TRUE(agent.ok());
    EXPECT_EQ(agent->first_response_at, kNow + 2min);
    auto later = service_.comment(t.number, "到了", kAgent, kNow + 3min);
    ASSERT_TRUE(later.ok());
    EXPECT_EQ(later->first_response_at, kNow + 2min);
    auto empty = service_.comment(t.number, " \n", kAgent, kNow);
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error().field, "text");
}

TEST(TicketServiceRetryTest, ARestChangeIsPlannedAgainWhenAConcurrentChangeWon) {
    test::ObservedTicketStore store;
    TicketService service(store);
    NewTicket request;
    request.title = "VPN";
    auto made = service.create(request, kCustomer, kGroup, kNow);
    ASSERT_TRUE(made.ok());
    store.lose_updates(1);
    auto commented = service.comment(made->number, "看一下", kAgent, kNow);
    ASSERT_TRUE(commented.ok()) << commented.error().message;
    EXPECT_EQ(store.applied().size(), 3u);  // the create, the comment that lost, its second try
    store.lose_updates(3);
    auto lost = service.comment(made->number, "再看一下", kAgent, kNow);
    ASSERT_FALSE(lost.ok());
    EXPECT_EQ(lost.error().code, ErrorCode::Aborted);  // three tries, then the caller is told
    auto events = store.events(made->number);
    ASSERT_TRUE(events.ok());
    EXPECT_EQ(events->size(), 2u);
}

}  // namespace
}  // namespace groupdesk::tickets
