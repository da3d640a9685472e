// Micro-benchmarks of the message codec: reading a callback's XML envelope and message, and
// writing a reply, the per-callback work around the crypto.
#include <benchmark/benchmark.h>

#include <string>

#include "wecom/message.h"
#include "wecom/xml_codec.h"

namespace {

using groupdesk::config::ChannelKind;

const std::string kEnvelope =
    "<xml><ToUserName><![CDATA[ww0a1b2c3d4e5f6a7b]]></ToUserName>"
    "<Encrypt><![CDATA[" +
    std::string(1400, 'A') +
    "]]></Encrypt>"
    "<AgentID><![CDATA[1000002]]></AgentID></xml>";

const std::string kTextMessage =
    "<xml><ToUserName><![CDATA[ww0a1b2c3d4e5f6a7b]]></ToUserName>"
    "<FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1767225601</CreateTime>"
    "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[@assistant 打印机坏了，三楼]]></Content>"
    "<MsgId>7390000000000000001</MsgId><AgentID>1000002</AgentID></xml>";

void BM_ExtractXmlEncrypt(benchmark::State& state) {
    for (auto _ : state) {
        auto encrypt = groupdesk::wecom::extract_xml_encrypt(kEnvelope);
        if (!encrypt.ok()) {
            state.SkipWithError("extract_xml_encrypt failed");
            break;
        }
        benchmark::DoNotOptimize(encrypt);
    }
}
BENCHMARK(BM_ExtractXmlEncrypt);

void BM_DecodeXmlText(benchmark::State& state) {
    for (auto _ : state) {
        auto message = groupdesk::wecom::decode_xml_message(kTextMessage, ChannelKind::WeCom);
        if (!message.ok()) {
            state.SkipWithError("decode_xml_message failed");
            break;
        }
        benchmark::DoNotOptimize(message);
    }
}
BENCHMARK(BM_DecodeXmlText);

void BM_EncodeXmlTextReply(benchmark::State& state) {
    const groupdesk::wecom::Reply reply =
        groupdesk::wecom::TextReply{"已收到，工单 #1024 已创建：三楼打印机故障。"};
    for (auto _ : state) {
        auto xml =
            groupdesk::wecom::encode_xml_reply(reply, "zhangsan", "ww0a1b2c3d4e5f6a7b", 1767225601);
        benchmark::DoNotOptimize(xml);
    }
}
BENCHMARK(BM_EncodeXmlTextReply);

}  // namespace

BENCHMARK_MAIN();
