// FakePlatform: a real HTTP/1.1 server on 127.0.0.1 that plays the WeCom and Official Account APIs
// the API client calls (tokens, app and customer messages, group webhooks, response_urls, an
// Official Account's auto-reply rules, template messages). It records every request and can be
// told to fail, so tests see the client's real wire traffic.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace groupdesk::test {

struct RecordedRequest {
    std::string method;
    std::string path;   // without the query
    std::string query;  // raw, without '?'
    std::string body;
    std::chrono::steady_clock::time_point at;

    // A query parameter, percent-decoded; nullopt when absent.
    std::optional<std::string> param(std::string_view name) const;
};

// What a scripted failure answers instead of the normal one.
struct Failure {
    enum class Kind { HttpStatus, Errcode, Hang };
    Kind kind = Kind::HttpStatus;
    int status = 500;  // HttpStatus: this status with a short text body
    int errcode = 0;   // Errcode: HTTP 200 with {"errcode","errmsg"}
    std::string errmsg;
    std::chrono::milliseconds hang{};  // Hang: answer nothing for this long (or until stopped)

    static Failure http(int status) { return {Kind::HttpStatus, status, 0, {}, {}}; }
    static Failure err(int code, std::string msg) {
        return {Kind::Errcode, 200, code, std::move(msg), {}};
    }
    static Failure hang_for(std::chrono::milliseconds d) { return {Kind::Hang, 0, 0, {}, d}; }
};

class FakePlatform {
public:
    static constexpr int kForever = -1;

    FakePlatform();  // listening on return
    ~FakePlatform();
    FakePlatform(const FakePlatform&) = delete;
    FakePlatform& operator=(const FakePlatform&) = delete;

    std::string base_url() const;  // "http://127.0.0.1:PORT"

    // The next `count` requests to exactly `path` (kForever: until cleared) answer with `failure`.
    void fail_next(const std::string& path, Failure failure, int count = 1);
    // The same, only for POSTs to `path` whose body's "touser" is `touser`, so that one user's
    // sends fail (45015 window closed, 45047 quota used) while others' go through. Such a script
    // is tried before one for the whole path.
    void fail_next_to(const std::string& path, const std::string& touser, Failure failure,
                      int count = 1);
    void clear_failures();
    // The platform now answers 42001 for `token`, as when it has expired.
    void expire_token(const std::string& token);
    // Token requests wait this long before answering, so concurrent callers overlap.
    void set_token_delay(std::chrono::milliseconds delay);
    void set_expires_in(int seconds);  // in token answers; 7200 by default
    // What /cgi-bin/get_current_autoreply_info answers (to a valid token); by default the
    // official sample, tests/data/mp_autoreply_sample.json.
    void set_autoreply_answer(std::string body);
    static std::string sample_autoreply_answer();

    // Recorded requests to `path` ("" for all), oldest first.
    std::vector<RecordedRequest> requests(std::string_view path = "") const;
    // Waits until `predicate` holds for the recorded requests; false on timeout.
    bool wait_for(const std::function<bool(const std::vector<RecordedRequest>&)>& predicate,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

private:
    struct Answer {
        int status = 200;
        std::string body;
    };
    struct Script {
        Failure failure;
        int remaining;
    };
    class Server;  // the Beast part, kept out of this header

    Answer handle(const RecordedRequest& request);
    Answer issue_token(const RecordedRequest& request, bool mp);
    Answer check_token(const RecordedRequest& request);
    Answer send_template(const RecordedRequest& request);
    // Waits `d` or until stopped; called without the lock.
    void pause(std::chrono::milliseconds d);

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    bool stopping_ = false;
    std::vector<RecordedRequest> requests_;
    // Key: path and touser ("" for every request to the path).
    std::map<std::pair<std::string, std::string>, Script> scripts_;
    std::set<std::string> issued_;
    std::set<std::string> expired_;
    int next_token_ = 1;
    std::int64_t next_msgid_ = 1;
    int expires_in_ = 7200;
    std::chrono::milliseconds token_delay_{0};
    std::string autoreply_answer_;
    std::unique_ptr<Server> server_;

    friend class Server;
};

}  // namespace groupdesk::test
