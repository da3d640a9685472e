// groupdesk: `serve` runs the callback server until SIGTERM; `check-config` validates a config;
// `keywords` edits keyword auto-replies and `conversations` lists Official Account reply windows,
// both through a running server's REST API.
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "bot/app.h"
#include "bot/cli/conversations_cli.h"
#include "bot/cli/keywords_cli.h"
#include "bot/logging.h"
#include "config/config_loader.h"
#include "wecom/curl_http_client.h"

namespace {

using groupdesk::config::LoadResult;

constexpr const char* kUsage =
    "usage: groupdesk serve [--config FILE]   run the callback server (default: the built-in\n"
    "                                         example config)\n"
    "       groupdesk check-config FILE       validate FILE; list every error\n"
    "       groupdesk keywords VERB [options] edit keyword auto-replies on a running server\n"
    "                                         (groupdesk keywords --help)\n"
    "       groupdesk conversations [options] reply windows still open on a running server\n"
    "                                         (groupdesk conversations --help)\n"
    "       groupdesk --version\n";

LoadResult load(const std::string& path) {
    const auto env = groupdesk::config::process_environment();
    if (path.empty()) {
        return groupdesk::config::load_config_text(groupdesk::config::embedded_default_config(),
                                                   "<embedded example config>", env);
    }
    return groupdesk::config::load_config_file(path, env);
}

int print_errors(const LoadResult& result) {
    for (const auto& error : result.errors) std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
}

int check_config(const std::string& path) {
    LoadResult result = load(path);
    if (!result.config) return print_errors(result);
    std::printf("%s: ok (%zu channels)\n", path.c_str(), result.config->channels.size());
    return 0;
}

// SIGTERM and SIGINT are taken by one thread with sigwait, so no other thread is interrupted.
class SignalWatcher {
public:
    explicit SignalWatcher(groupdesk::bot::App& app) {
        thread_ = std::thread([this, &app] {
            sigset_t set = signals();
            while (!done_) {
                timespec timeout{0, 200'000'000};
                int sig = sigtimedwait(&set, nullptr, &timeout);
                if (sig == SIGTERM || sig == SIGINT) {
                    spdlog::info("signal {}: stopping; in-flight requests finish first", sig);
                    app.stop();
                    return;
                }
            }
        });
    }
    ~SignalWatcher() {
        done_ = true;
        thread_.join();
    }
    static sigset_t signals() {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        return set;
    }

private:
    std::atomic<bool> done_{false};
    std::thread thread_;
};

int serve(const std::string& path) {
    LoadResult result = load(path);
    if (!result.config) return print_errors(result);
    const auto& config = *result.config;
    // Block the signals before any thread starts (the log's flusher is the first), so that only
    // the watcher receives them: a thread with SIGTERM unblocked would let it kill the process.
    sigset_t set = SignalWatcher::signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    signal(SIGPIPE, SIG_IGN);
    groupdesk::bot::setup_logging(config.log.level);

    static const groupdesk::SystemClock clock;
    auto app = groupdesk::bot::App::create(config, clock);
    if (!app.ok()) {
        spdlog::error("cannot start: {}", app.error().message);
        return 1;
    }
    if (auto started = (*app)->start(); !started.ok()) {
        spdlog::error("cannot start: {}", started.error().message);
        return 1;
    }
    {
        SignalWatcher watcher(**app);
        (*app)->run();
    }
    app->reset();  // flushes pending records and closes the database
    spdlog::info("stopped");
    groupdesk::bot::flush_logging();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::fputs(kUsage, args.empty() ? stderr : stdout);
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
        std::printf("groupdesk %s\n", GROUPDESK_VERSION);
        return 0;
    }
    if (args[0] == "keywords") {
        groupdesk::wecom::CurlHttpClient http;
        return groupdesk::bot::cli::run_keywords_cli({args.begin() + 1, args.end()}, http, stdout,
                                                     stderr, groupdesk::bot::cli::process_env());
    }
    if (args[0] == "conversations") {
        groupdesk::wecom::CurlHttpClient http;
        return groupdesk::bot::cli::run_conversations_cli({args.begin() + 1, args.end()}, http,
                                                          stdout, stderr,
                                                          groupdesk::bot::cli::process_env());
    }
    if (args[0] == "check-config" && args.size() == 2) return check_config(args[1]);
    if (args[0] == "serve" && args.size() == 1) return serve("");
    if (args[0] == "serve" && args.size() == 3 && args[1] == "--config") return serve(args[2]);
    std::fputs(kUsage, stderr);
    return 2;
}
