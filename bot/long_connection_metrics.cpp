// Rendering the long connections' counters.
#include "bot/long_connection_metrics.h"

namespace groupdesk::bot {
namespace {

constexpr LinkState kStates[] = {LinkState::Idle,    LinkState::Connecting, LinkState::Subscribing,
                                 LinkState::Up,      LinkState::Waiting,    LinkState::TakenOver,
                                 LinkState::Refused, LinkState::Stopped};

std::string load(const std::atomic<std::uint64_t>& counter) {
    return std::to_string(counter.load(std::memory_order_relaxed));
}

void header(std::string& out, const char* name, const char* type, const char* help) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

}  // namespace

std::string render_long_connection_metrics(const std::vector<const AiBotConnection*>& connections) {
    if (connections.empty()) return {};
    std::string out;
    header(out, "groupdesk_aibot_connection_state", "gauge",
           "The AI bot's long connection state (1 for the current one).");
    for (const auto* c : connections) {
        const LinkState now = c->state();
        for (LinkState s : kStates) {
            out += "groupdesk_aibot_connection_state{channel=\"" + c->channel() + "\",state=\"" +
                   std::string(to_string(s)) + "\"} " + (s == now ? "1" : "0") + "\n";
        }
    }
    const auto counter = [&](const char* name, const char* help, auto field) {
        header(out, name, "counter", help);
        for (const auto* c : connections) {
            out += std::string(name) + "{channel=\"" + c->channel() + "\"} " +
                   load(c->stats().*field) + "\n";
        }
    };
    counter("groupdesk_aibot_connects_total", "WebSocket handshakes completed.",
            &LinkStats::connects);
    counter("groupdesk_aibot_reconnects_total", "Connection attempts after a drop.",
            &LinkStats::reconnects);
    counter("groupdesk_aibot_bad_frames_total", "Received frames that could not be decoded.",
            &LinkStats::bad_frames);
    counter("groupdesk_aibot_ack_timeouts_total", "Requests that no ack answered in time.",
            &LinkStats::ack_timeouts);

    header(out, "groupdesk_aibot_frames_total", "counter", "Frames by direction and cmd.");
    for (const auto* c : connections) {
        const LinkStats& s = c->stats();
        for (std::size_t i = 0; i < LinkStats::kCmds.size(); ++i) {
            for (const auto& [direction, counts] :
                 {std::pair{"in", &s.frames_in}, std::pair{"out", &s.frames_out}}) {
                const std::uint64_t n = (*counts)[i].load(std::memory_order_relaxed);
                if (n == 0) continue;  // most cmds go one way only
                out += "groupdesk_aibot_frames_total{channel=\"" + c->channel() +
                       "\",direction=\"" + direction + "\",cmd=\"" +
                       std::string(LinkStats::kCmds[i]) + "\"} " + std::to_string(n) + "\n";
            }
        }
    }

    header(out, "groupdesk_aibot_ack_seconds", "histogram",
           "Time from a request frame to its ack.");
    for (const auto* c : connections) {
        c->stats().ack_latency.render(out, "groupdesk_aibot_ack_seconds",
                                      "channel=\"" + c->channel() + "\"");
    }
    return out;
}

}  // namespace groupdesk::bot
