// The buffered stdout logger: spdlog formats, this sink collects lines and writes them in blocks.
#include "bot/logging.h"

#include <errno.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <memory>
#include <mutex>
#include <string>

namespace groupdesk::bot {
namespace {

constexpr const char* kPattern = "%Y-%m-%dT%H:%M:%S.%e%z %l %v";

class BufferedFdSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    BufferedFdSink(int fd, std::size_t limit) : fd_(fd), limit_(limit) { buffer_.reserve(limit); }
    ~BufferedFdSink() override { write_out(); }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        formatter_->format(msg, buffer_);  // appends the line
        if (buffer_.size() >= limit_) write_out();
    }

    void flush_() override { write_out(); }

private:
    // A log line that cannot be written has nowhere else to go: on an error other than EINTR the
    // rest of the block is dropped rather than stalling the thread that logged.
    void write_out() {
        std::size_t done = 0;
        while (done < buffer_.size()) {
            const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
            if (n > 0) {
                done += static_cast<std::size_t>(n);
            } else if (n < 0 && errno == EINTR) {
                continue;
            } else {
                break;
            }
        }
        buffer_.clear();
    }

    const int fd_;
    const std::size_t limit_;
    spdlog::memory_buf_t buffer_;
};

}  // namespace

void setup_logging(std::string_view level, const LogOutput& output) {
    auto sink = std::make_shared<BufferedFdSink>(output.fd, output.buffer_bytes);
    auto logger = std::make_shared<spdlog::logger>("groupdesk", std::move(sink));
    logger->set_pattern(kPattern);
    logger->set_level(spdlog::level::from_str(std::string(level)));
    // A warning is written at once, together with the lines before it, in order.
    logger->flush_on(spdlog::level::warn);
    spdlog::drop("groupdesk");
    spdlog::set_default_logger(std::move(logger));
    if (output.flush_interval.count() > 0) spdlog::flush_every(output.flush_interval);
}

void flush_logging() { spdlog::default_logger_raw()->flush(); }

}  // namespace groupdesk::bot
