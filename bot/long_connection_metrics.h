// The AI bots' long connections in the Prometheus text format: state, connects and reconnects,
// frames by direction and cmd, undecodable frames, acks' latency and timeouts.
#pragma once

#include <string>
#include <vector>

#include "bot/aibot_connection.h"

namespace groupdesk::bot {

// groupdesk_aibot_connection_state{channel,state} (1 for the current state),
// groupdesk_aibot_connects_total, groupdesk_aibot_reconnects_total,
// groupdesk_aibot_frames_total{channel,direction,cmd}, groupdesk_aibot_bad_frames_total,
// groupdesk_aibot_ack_timeouts_total and groupdesk_aibot_ack_seconds{channel} (histogram).
// Reads atomics only: safe on an I/O thread.
std::string render_long_connection_metrics(const std::vector<const AiBotConnection*>& connections);

}  // namespace groupdesk::bot
