// Logging set-up: one line per event on stdout (journald under systemd). Lines are buffered and
// written in blocks, so a busy server does not pay a write(2) per request line; a warning or an
// error, a full buffer, the periodic flush and flush_logging() push them out.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

namespace groupdesk::bot {

struct LogOutput {
    int fd = 1;
    std::size_t buffer_bytes = std::size_t{64} * 1024;
    // How long an info line may wait in the buffer; zero: until one of the other triggers.
    std::chrono::seconds flush_interval{1};
};

// Installs the process-wide logger at `level` (trace, debug, info, warn, error). Call before
// threads that log start; calling again replaces the logger.
void setup_logging(std::string_view level, const LogOutput& output = {});

// Writes out whatever is buffered.
void flush_logging();

}  // namespace groupdesk::bot
