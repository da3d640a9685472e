// FakeAiBotServer: a WebSocket server on 127.0.0.1 (plain ws://) that plays WeCom's AI-bot
// long-connection endpoint (wecom-protocol.md §10.4): it acks or refuses the subscription, acks
// pings and pushes, sends message and event frames, records every frame it receives, and can drop
// the connection or send disconnected_event. One connection is served at a time; a new one
// replaces the old (as the platform does), which is closed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace groupdesk::test {

class FakeAiBotServer {
public:
    struct Options {
        std::string bot_id = "test-bot";
        std::string secret = "test-bot-secret";
        bool ack_pings = true;  // false: pings go unanswered (a dead connection)
    };

    explicit FakeAiBotServer(Options options);  // listening on return
    FakeAiBotServer();
    ~FakeAiBotServer();
    FakeAiBotServer(const FakeAiBotServer&) = delete;
    FakeAiBotServer& operator=(const FakeAiBotServer&) = delete;

    std::string url() const;  // "ws://127.0.0.1:PORT"

    // Subscriptions: a subscribe with the right bot_id and secret is acked with errcode 0, a wrong
    // one with 853000 "invalid bot_id or secret". refuse_subscriptions(code) answers every later
    // subscribe with `code` (0 returns to normal).
    void refuse_subscriptions(std::int64_t errcode);
    int subscriptions() const;  // acked with errcode 0, all connections together
    int connections() const;    // WebSocket handshakes accepted
    // Waits until subscriptions() >= count; false on timeout.
    bool wait_subscribed(int count = 1,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
    bool connected() const;  // a connection is open now

    // Pushes (aibot_send_msg) are acked with this errcode (0 by default); `hang` leaves them
    // unacked.
    void set_push_errcode(std::int64_t errcode, std::string errmsg = "");
    void hang_pushes(bool hang);

    // Frames to the open connection; false when there is none.
    bool send_text(const std::string& frame);
    // {"cmd":"aibot_msg_callback","headers":{"req_id":req_id},"body":body}
    bool send_message(std::string_view req_id, const nlohmann::json& body);
    // {"cmd":"aibot_event_callback","headers":{"req_id":req_id},"body":body}
    bool send_event(std::string_view req_id, const nlohmann::json& body);
    // An aibot_event_callback whose event is disconnected_event; the connection stays open (the
    // platform closes it a while later).
    bool send_disconnected_event();
    // Closes the open connection without a close frame (a network drop).
    void drop();

    // Every frame received (parsed; a frame that is not JSON is kept as a JSON string), oldest
    // first, from all connections.
    std::vector<nlohmann::json> received() const;
    // Received frames with this cmd.
    std::vector<nlohmann::json> received(std::string_view cmd) const;
    // Waits until a received frame satisfies `predicate` and returns the first that does.
    std::optional<nlohmann::json> wait_for(
        const std::function<bool(const nlohmann::json&)>& predicate,
        std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
    // Waits for the first frame with `cmd` and headers.req_id == req_id.
    std::optional<nlohmann::json> wait_for_answer(
        std::string_view cmd, std::string_view req_id,
        std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

private:
    struct State;
    std::shared_ptr<State> state_;
};

// A message body as the platform sends it: a group text from `user` in `chat` (chattype
// "group"), or a single-chat one when `chat` is empty.
nlohmann::json aibot_text_body(std::string_view msgid, std::string_view user,
                               std::string_view chat, std::string_view content);
// A template_card_event body (nested form, §10.2) for a click by `user` in `chat`.
nlohmann::json aibot_card_click_body(std::string_view msgid, std::string_view user,
                                     std::string_view chat, std::string_view event_key,
                                     std::string_view task_id);

}  // namespace groupdesk::test
