// The fake platform: a blocking Beast server (a thread per connection, keep-alive) in front of a
// small table of API answers.
#include "tests/support/fake_platform.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "common/query_string.h"

namespace groupdesk::test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Json = nlohmann::json;

std::optional<std::string> RecordedRequest::param(std::string_view name) const {
    auto params = QueryParams::parse(query);
    if (!params) return std::nullopt;
    auto value = params->get(name);
    return value ? std::optional<std::string>(*value) : std::nullopt;
}

class FakePlatform::Server {
public:
    explicit Server(FakePlatform& owner)
        : owner_(owner), acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        port_ = acceptor_.local_endpoint().port();
        accept_thread_ = std::thread([this] { accept_loop(); });
    }

    // Wakes every blocked call: a connection to ourselves ends accept(), shutdown() ends reads.
    ~Server() {
        {
            std::lock_guard lock(owner_.mutex_);
            owner_.stopping_ = true;
            for (auto& socket : sockets_) {
                boost::system::error_code ignored;
                socket->shutdown(tcp::socket::shutdown_both, ignored);
            }
        }
        owner_.changed_.notify_all();
        try {
            asio::io_context io;
            tcp::socket wake(io);
            wake.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
        } catch (const std::exception&) {
        }
        accept_thread_.join();
        for (auto& t : threads_) t.join();
    }

    std::uint16_t port() const { return port_; }

private:
    void accept_loop() {
        for (;;) {
            auto socket = std::make_shared<tcp::socket>(io_);
            boost::system::error_code ec;
            acceptor_.accept(*socket, ec);
            std::lock_guard lock(owner_.mutex_);
            if (owner_.stopping_) return;
            if (ec) continue;
            sockets_.push_back(socket);
            threads_.emplace_back([this, socket] { serve(*socket); });
        }
    }

    void serve(tcp::socket& socket) {
        boost::beast::flat_buffer buffer;
        for (;;) {
            http::request<http::string_body> req;
            boost::system::error_code ec;
            http::read(socket, buffer, req, ec);
            if (ec) return;
            RecordedRequest recorded;
            recorded.method = std::string(req.method_string());
            const std::string target(req.target());
            const auto q = target.find('?');
            recorded.path = target.substr(0, q);
            recorded.query = q == std::string::npos ? "" : target.substr(q + 1);
            recorded.body = req.body();
            recorded.at = std::chrono::steady_clock::now();
            const Answer answer = owner_.handle(recorded);
            if (answer.status == 0) return;  // a hang: the client has gone
            http::response<http::string_body> res{http::status(answer.status), req.version()};
            res.set(http::field::content_type, "application/json");
            res.keep_alive(req.keep_alive());
            res.body() = answer.body;
            res.prepare_payload();
            http::write(socket, res, ec);
            if (ec || !res.keep_alive()) return;
        }
    }

    FakePlatform& owner_;
    asio::io_context io_;
    tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::thread accept_thread_;
    std::vector<std::shared_ptr<tcp::socket>> sockets_;  // under owner_.mutex_
    std::vector<std::thread> threads_;                   // under owner_.mutex_
};

namespace {

std::string errcode_body(int errcode, const std::string& errmsg) {
    return Json{{"errcode", errcode}, {"errmsg", errmsg}}.dump();
}

// The "touser" of a JSON body; "" when there is none.
std::string touser_of(const RecordedRequest& request) {
    if (request.method != "POST") return {};
    const Json body = Json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("touser") || !body["touser"].is_string()) return {};
    return body["touser"].get<std::string>();
}

}  // namespace

FakePlatform::FakePlatform()
    : autoreply_answer_(sample_autoreply_answer()), server_(std::make_unique<Server>(*this)) {}

FakePlatform::~FakePlatform() { server_.reset(); }

std::string FakePlatform::base_url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port());
}

void FakePlatform::fail_next(const std::string& path, Failure failure, int count) {
    std::lock_guard lock(mutex_);
    scripts_[{path, ""}] = Script{std::move(failure), count};
}

void FakePlatform::fail_next_to(const std::string& path, const std::string& touser, Failure failure,
                                int count) {
    std::lock_guard lock(mutex_);
    scripts_[{path, touser}] = Script{std::move(failure), count};
}

void FakePlatform::clear_failures() {
    std::lock_guard lock(mutex_);
    scripts_.clear();
}

void FakePlatform::expire_token(const std::string& token) {
    std::lock_guard lock(mutex_);
    expired_.insert(token);
}

void FakePlatform::set_token_delay(std::chrono::milliseconds delay) {
    std::lock_guard lock(mutex_);
    token_delay_ = delay;
}

void FakePlatform::set_autoreply_answer(std::string body) {
    std::lock_guard lock(mutex_);
    autoreply_answer_ = std::move(body);
}

std::string FakePlatform::sample_autoreply_answer() {
    std::ifstream in(std::string(GROUPDESK_TEST_DATA_DIR) + "/mp_autoreply_sample.json");
    if (!in) throw std::runtime_error("cannot open tests/data/mp_autoreply_sample.json");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void FakePlatform::set_expires_in(int seconds) {
    std::lock_guard lock(mutex_);
    expires_in_ = seconds;
}

std::vector<RecordedRequest> FakePlatform::requests(std::string_view path) const {
    std::lock_guard lock(mutex_);
    std::vector<RecordedRequest> out;
    for (const auto& r : requests_) {
        if (path.empty() || r.path == path) out.push_back(r);
    }
    return out;
}

bool FakePlatform::wait_for(
    const std::function<bool(const std::vector<RecordedRequest>&)>& predicate,
    std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return predicate(requests_); });
}

void FakePlatform::pause(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, d, [this] { return stopping_; });
}

FakePlatform::Answer FakePlatform::handle(const RecordedRequest& request) {
    std::optional<Failure> failure;
    const std::string touser = touser_of(request);
    {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
        auto it = touser.empty() ? scripts_.end() : scripts_.find({request.path, touser});
        if (it == scripts_.end()) it = scripts_.find({request.path, ""});
        if (it != scripts_.end()) {
            failure = it->second.failure;
            if (it->second.remaining != kForever && --it->second.remaining == 0) scripts_.erase(it);
        }
    }
    changed_.notify_all();
    if (failure) {
        switch (failure->kind) {
            case Failure::Kind::HttpStatus:
                return {failure->status, "server error"};
            case Failure::Kind::Errcode:
                return {200, errcode_body(failure->errcode, failure->errmsg)};
            case Failure::Kind::Hang:
                pause(failure->hang);
                return {0, {}};
        }
    }
    const bool get = request.method == "GET";
    if (get && request.path == "/cgi-bin/gettoken") return issue_token(request, false);
    if (get && request.path == "/cgi-bin/token") return issue_token(request, true);
    if (get && request.path == "/cgi-bin/get_current_autoreply_info") {
        Answer checked = check_token(request);
        if (checked.body != errcode_body(0, "ok")) return checked;
        std::lock_guard lock(mutex_);
        return {200, autoreply_answer_};
    }
    if (request.method != "POST") return {404, "not found"};
    const Json body = Json::parse(request.body, nullptr, false);
    // A template message has no msgtype: its template_id says what it is.
    if (request.path == "/cgi-bin/message/template/send") return send_template(request);
    if (body.is_discarded() || !body.is_object() || !body.contains("msgtype")) {
        return {200, errcode_body(40008, "invalid message type")};
    }
    if (request.path == "/cgi-bin/webhook/send") {
        const auto key = request.param("key");
        if (!key || key->empty()) return {200, errcode_body(93000, "invalid webhook url")};
        return {200, errcode_body(0, "ok")};
    }
    if (request.path == "/cgi-bin/message/send" || request.path == "/cgi-bin/message/custom/send") {
        return check_token(request);
    }
    if (request.path.starts_with("/cgi-bin/aibot/response")) return {200, errcode_body(0, "ok")};
    return {404, "not found"};
}

FakePlatform::Answer FakePlatform::issue_token(const RecordedRequest& request, bool mp) {
    const auto id = request.param(mp ? "appid" : "corpid");
    const auto secret = request.param(mp ? "secret" : "corpsecret");
    if (mp && request.param("grant_type") != "client_credential") {
        return {200, errcode_body(40002, "invalid grant_type")};
    }
    if (!id || id->empty() || !secret || secret->empty()) {
        return {200, errcode_body(41004, "corpsecret missing")};
    }
    std::chrono::milliseconds delay;
    {
        std::lock_guard lock(mutex_);
        delay = token_delay_;
    }
    if (delay.count() > 0) pause(delay);
    std::lock_guard lock(mutex_);
    const std::string token = "tok-" + std::to_string(next_token_++);
    issued_.insert(token);
    Json answer{{"access_token", token}, {"expires_in", expires_in_}};
    if (!mp) answer.update(Json{{"errcode", 0}, {"errmsg", "ok"}});  // the OA omits them
    return {200, answer.dump()};
}

FakePlatform::Answer FakePlatform::send_template(const RecordedRequest& request) {
    Answer checked = check_token(request);
    if (checked.body != errcode_body(0, "ok")) return checked;
    const Json body = Json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("template_id") || !body["template_id"].is_string()) {
        return {200, errcode_body(40037, "invalid template_id")};
    }
    if (!body.contains("touser") || !body["touser"].is_string()) {
        return {200, errcode_body(40003, "invalid openid")};
    }
    std::lock_guard lock(mutex_);
    return {200, Json{{"errcode", 0}, {"errmsg", "ok"}, {"msgid", next_msgid_++}}.dump()};
}

FakePlatform::Answer FakePlatform::check_token(const RecordedRequest& request) {
    const auto token = request.param("access_token");
    std::lock_guard lock(mutex_);
    if (!token || token->empty()) return {200, errcode_body(41001, "access_token missing")};
    if (!issued_.contains(*token)) return {200, errcode_body(40014, "invalid access_token")};
    if (expired_.contains(*token)) return {200, errcode_body(42001, "access_token expired")};
    return {200, errcode_body(0, "ok")};
}

}  // namespace groupdesk::test
