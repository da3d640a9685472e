// What the CLI's unit tests share: a fake HTTP client that records requests and answers from a
// script, the fixture that runs a verb and reads what it printed, and rule JSON builders.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bot/cli/keywords_cli.h"
#include "bot/cli/keywords_output.h"
#include "tests/support/temp_dir.h"

namespace groupdesk::bot::cli::testing {

using Json = nlohmann::json;
using wecom::HttpMethod;

inline constexpr const char* kToken = "admin-secret-token-5f1c9e";

class FakeHttp final : public wecom::HttpClient {
public:
    struct Call {
        HttpMethod method;
        std::string url;
        std::string body;
        std::string authorization;
        std::string content_type;
    };

    void answer(int status, std::string body) {
        answers_.push_back(wecom::HttpResult{status, std::move(body)});
    }
    void fail(std::string reason) {
        answers_.push_back(make_error(ErrorCode::Unavailable, "transport: " + reason));
    }

    Result<wecom::HttpResult> post(std::string_view, std::string_view, std::string_view,
                                   const wecom::HttpTimeouts&) override {
        ADD_FAILURE() << "the CLI calls request()";
        return wecom::HttpResult{};
    }
    Result<wecom::HttpResult> get(std::string_view, const wecom::HttpTimeouts&) override {
        ADD_FAILURE() << "the CLI calls request()";
        return wecom::HttpResult{};
    }
    Result<wecom::HttpResult> request(const wecom::HttpRequest& request,
                                      const wecom::HttpTimeouts&) override {
        Call call{request.method, request.url, request.body, "", ""};
        for (const auto& h : request.headers) {
            if (h.name == "Authorization") call.authorization = h.value;
            if (h.name == "Content-Type") call.content_type = h.value;
        }
        calls.push_back(call);
        if (answers_.empty()) return wecom::HttpResult{200, "{}"};
        auto next = std::move(answers_.front());
        answers_.pop_front();
        return next;
    }

    std::vector<Call> calls;

private:
    std::deque<Result<wecom::HttpResult>> answers_;
};

inline std::string read_all(std::FILE* f) {
    std::rewind(f);
    std::string text;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    std::fclose(f);
    return text;
}

struct CliRun {
    int code;
    std::string out;
    std::string err;
};

// Runs one CLI (run_keywords_cli, run_conversations_cli…) against `http` with `env` as its
// environment, and reads what it printed; the token must never show in it.
template <class Cli>
CliRun run_cli(Cli cli, const std::vector<std::string>& args, wecom::HttpClient& http,
               const std::map<std::string, std::string>& env) {
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    const EnvLookup lookup = [&env](std::string_view name) -> std::optional<std::string> {
        const auto it = env.find(std::string(name));
        return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    const int code = cli(args, http, out, err, lookup);
    CliRun r{code, read_all(out), read_all(err)};
    EXPECT_EQ(r.out.find(kToken), std::string::npos) << "the token is never printed";
    EXPECT_EQ(r.err.find(kToken), std::string::npos) << "the token is never printed";
    return r;
}

class KeywordsCliTest : public ::testing::Test {
protected:
    CliRun run(const std::vector<std::string>& args) {
        return run_cli(run_keywords_cli, args, http, env);
    }

    const FakeHttp::Call& only_call() {
        EXPECT_EQ(http.calls.size(), 1u);
        static const FakeHttp::Call kNone{};
        return http.calls.empty() ? kNone : http.calls.back();
    }

    FakeHttp http;
    std::map<std::string, std::string> env{{"GROUPDESK_API_TOKEN", kToken}};
};

inline Json rule(int id, const std::string& reply, bool enabled = true) {
    return {{"id", id},
            {"kind", "keyword"},
            {"keywords", {"退款", "refund"}},
            {"match_type", "contains"},
            {"reply", reply},
            {"news", nullptr},
            {"priority", 5},
            {"scope", {{"channels", Json::array()}, {"chats", Json::array()}}},
            {"enabled", enabled},
            {"active_hours", nullptr},
            {"origin", ""},
            {"created_by", "api:ops"},
            {"created_at", "2026-12-02T01:10:08Z"},
            {"updated_by", "api:ops"},
            {"updated_at", "2026-12-02T01:10:08Z"},
            {"version", 1}};
}

}  // namespace groupdesk::bot::cli::testing
