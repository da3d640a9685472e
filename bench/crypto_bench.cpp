// Micro-benchmarks of wecom/crypto: the per-callback cost (verify + decrypt) and the reply cost.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "wecom/crypto.h"

namespace {

using groupdesk::wecom::MsgCrypt;

// Made-up credentials of the same shape as a real WeCom app's.
constexpr std::string_view kToken = "BenchToken2026";
constexpr std::string_view kEncodingAesKey = "Zb3kQ9xW2mN7pL4vR8tY1uC6oE5iA0sD3fG7hJ2kL9q";
constexpr std::string_view kCorpId = "ww0a1b2c3d4e5f6a7b";
constexpr std::string_view kTimestamp = "1767225601";
constexpr std::string_view kNonce = "2093746501";

MsgCrypt make_crypto() {
    auto crypto = MsgCrypt::create(std::string(kToken), kEncodingAesKey, std::string(kCorpId));
    if (!crypto.ok()) {
        std::fprintf(stderr, "bench key rejected: %s\n", crypto.error().message.c_str());
        std::abort();
    }
    return std::move(crypto).value();
}

// A WeCom text message of `size` bytes, the content filled with Chinese text.
std::string text_xml(std::size_t size) {
    const std::string head =
        "<xml><ToUserName><![CDATA[ww0a1b2c3d4e5f6a7b]]></ToUserName>"
        "<FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1767225601</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[";
    const std::string tail =
        "]]></Content><MsgId>7390000000000000001</MsgId><AgentID>1000002</AgentID></xml>";
    std::string content;
    while (head.size() + content.size() + tail.size() + 3 <= size) content += "你好吗";
    return head + content + tail;
}

void BM_VerifyDecrypt1KB(benchmark::State& state) {
    const MsgCrypt crypto = make_crypto();
    const std::string plain = text_xml(1024);
    const std::string encrypt = crypto.encrypt(plain);
    const std::string signature = crypto.sign(kTimestamp, kNonce, encrypt);
    for (auto _ : state) {
        auto message = crypto.verify_and_decrypt(signature, kTimestamp, kNonce, encrypt);
        if (!message.ok()) {
            state.SkipWithError("verify_and_decrypt failed");
            break;
        }
        benchmark::DoNotOptimize(message);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * plain.size()));
    state.counters["plain_bytes"] = static_cast<double>(plain.size());
}
BENCHMARK(BM_VerifyDecrypt1KB);

// A passive reply: CSPRNG prefix, encryption, then msg_signature over the result.
void BM_EncryptReply(benchmark::State& state) {
    const MsgCrypt crypto = make_crypto();
    const std::string reply = text_xml(300);
    for (auto _ : state) {
        std::string encrypt = crypto.encrypt(reply);
        std::string signature = crypto.sign(kTimestamp, kNonce, encrypt);
        benchmark::DoNotOptimize(encrypt);
        benchmark::DoNotOptimize(signature);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * reply.size()));
    state.counters["plain_bytes"] = static_cast<double>(reply.size());
}
BENCHMARK(BM_EncryptReply);

// msg_signature over a 1 KB callback's ciphertext.
void BM_Signature(benchmark::State& state) {
    const MsgCrypt crypto = make_crypto();
    const std::string encrypt = crypto.encrypt(text_xml(1024));
    for (auto _ : state) {
        std::string signature = crypto.sign(kTimestamp, kNonce, encrypt);
        benchmark::DoNotOptimize(signature);
    }
}
BENCHMARK(BM_Signature);

}  // namespace

BENCHMARK_MAIN();
