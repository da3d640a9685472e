// A minimal stand-in for the platform for bench/run_outbox.sh: answers every request at once with
// {"errcode":0,"errmsg":"ok"} and "Connection: close", one connection at a time on one thread,
// and logs "<receive time, ns since the epoch> <ticket number from the body>" for each request.
// Usage: platform_sink PORT LOG_FILE   (stops on SIGTERM or SIGINT, the log flushed)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

namespace {

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

long long now_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<long long>(ts.tv_sec) * 1'000'000'000LL + ts.tv_nsec;
}

// Reads one request (headers and a Content-Length body); false when the peer went away first.
bool read_request(int fd, std::string& data) {
    char buf[16384];
    std::size_t body_at = std::string::npos;
    std::size_t need = 0;
    for (;;) {
        if (body_at == std::string::npos) {
            const auto end = data.find("\r\n\r\n");
            if (end != std::string::npos) {
                body_at = end + 4;
                std::size_t length = 0;
                const auto h = data.find("Content-Length:");
                const auto hl = data.find("content-length:");
                const auto at = h != std::string::npos ? h : hl;
                if (at != std::string::npos && at < end) {
                    length = std::strtoul(data.c_str() + at + 15, nullptr, 10);
                }
                need = body_at + length;
            }
        }
        if (body_at != std::string::npos && data.size() >= need) return true;
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) return false;
        data.append(buf, static_cast<std::size_t>(n));
    }
}

// The ticket's number: the digits after the first '#' of the body (the text starts "工单 #N").
long long ticket_number(const std::string& data) {
    const auto body = data.find("\r\n\r\n");
    const auto hash = data.find('#', body == std::string::npos ? 0 : body);
    if (hash == std::string::npos) return 0;
    return std::strtoll(data.c_str() + hash + 1, nullptr, 10);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s PORT LOG_FILE\n", argv[0]);
        return 2;
    }
    struct sigaction sa {};
    sa.sa_handler = on_signal;  // no SA_RESTART: accept() returns EINTR
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGINT, &sa, nullptr);
    std::FILE* log = std::fopen(argv[2], "w");
    if (log == nullptr) return 1;
    ::setvbuf(log, nullptr, _IOLBF, 0);  // each line readable at once by the load script

    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    const int on = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[1])));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listener, 1024) != 0) {
        std::perror("bind/listen");
        return 1;
    }
    static const char kAnswer[] =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 27\r\n"
        "Connection: close\r\n\r\n{\"errcode\":0,\"errmsg\":\"ok\"}";
    std::string data;
    while (g_stop == 0) {
        const int fd = ::accept(listener, nullptr, nullptr);
        if (fd < 0) {
            if (errno == EINTR) continue;
            break;
        }
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        data.clear();
        if (read_request(fd, data)) {
            const long long at = now_ns();
            ssize_t ignored = ::write(fd, kAnswer, sizeof kAnswer - 1);
            (void)ignored;
            std::fprintf(log, "%lld %lld\n", at, ticket_number(data));
        }
        ::close(fd);
    }
    std::fclose(log);
    return 0;
}
