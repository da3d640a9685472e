// Writes distinct, validly signed and encrypted callbacks for the wrk load tests: every request
// carries its own MsgId, so the dedup path never answers from a record and flatters the figure.
// Kinds: "wecom" (the default: WeCom app messages, half "help") and "aibot-tickets" (AI-bot group
// mentions that each create a ticket). Output: one file per wrk thread, one "target<TAB>body"
// line per request.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>

#include "wecom/crypto.h"

namespace {

// AI-bot group mentions "@助手 工单 …" from 500 members in 50 groups of the demo "group-bot"
// channel, each with its own msgid: every one creates a ticket, durable before its answer.
int write_ticket_callbacks(long count, int files, const std::string& prefix, long long msg_id) {
    auto crypt = groupdesk::wecom::MsgCrypt::create(
        "GroupDeskBotToken2026", "NNjFicuyDfOU7ZsVwORSCvVE3KuLtbAbzG71yDjDFKM", "");
    if (!crypt.ok()) return 1;
    const long long now = static_cast<long long>(std::time(nullptr));
    for (int f = 0; f < files; ++f) {
        std::ofstream out(prefix + std::to_string(f + 1) + ".txt");
        for (long i = 0; i < count; ++i, ++msg_id) {
            const std::string timestamp = std::to_string(now - i % 1800);
            const std::string nonce = std::to_string(100000 + i);
            std::string plaintext = R"({"msgid":"bench-)";
            plaintext.append(std::to_string(msg_id))
                .append(R"(","aibotid":"AIBOT_GROUPDESK","chatid":"wrkBenchGroup)")
                .append(std::to_string(i % 50))
                .append(R"(","chattype":"group","from":{"userid":"user)")
                .append(std::to_string(i % 500))
                .append(R"("},"response_url":"https://qyapi.weixin.qq.com/cgi-bin/aibot/)"
                        R"(response?response_code=bench","msgtype":"text","text":{"content":)"
                        R"("@助手 工单 打印机无法连接 )")
                .append(std::to_string(msg_id))
                // JSON escapes: the message has three more lines, for the fields.
                .append(R"(\n优先级：高\n分类：IT\n三楼东侧那台，换了纸也不行"}})");
            const std::string encrypt = crypt->encrypt(plaintext);
            out << "/callback/group-bot?msg_signature=" << crypt->sign(timestamp, nonce, encrypt)
                << "&timestamp=" << timestamp << "&nonce=" << nonce << "\t{\"encrypt\":\""
                << encrypt << "\"}\n";
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5 && argc != 6) {
        std::fprintf(stderr,
                     "usage: make_callbacks COUNT_PER_FILE FILES OUT_PREFIX FIRST_MSG_ID "
                     "[wecom|aibot-tickets]\n");
        return 2;
    }
    if (argc == 6 && std::string(argv[5]) == "aibot-tickets") {
        return write_ticket_callbacks(std::atol(argv[1]), std::atoi(argv[2]), argv[3],
                                      std::atoll(argv[4]));
    }
    if (argc == 6 && std::string(argv[5]) != "wecom") {
        std::fprintf(stderr, "make_callbacks: unknown kind %s\n", argv[5]);
        return 2;
    }
    const long count = std::atol(argv[1]);
    const int files = std::atoi(argv[2]);
    const std::string prefix = argv[3];
    // The demo "corp-app" channel of config/groupdesk.example.json.
    auto crypt = groupdesk::wecom::MsgCrypt::create("GroupDeskWeComToken2026",
                                                    "lKRAqMwOrg1RbhWggwIFK0PAQ479hMozW3haoCZqB8E",
                                                    "ww3f8a2b1c4d5e6f70");
    if (!crypt.ok()) return 1;
    long long msg_id = std::atoll(argv[4]);
    // Signed within the last half hour: the server refuses timestamps an hour or more away.
    const long long now = static_cast<long long>(std::time(nullptr));
    for (int f = 0; f < files; ++f) {
        std::ofstream out(prefix + std::to_string(f + 1) + ".txt");
        for (long i = 0; i < count; ++i, ++msg_id) {
            const std::string timestamp = std::to_string(now - i % 1800);
            const std::string nonce = std::to_string(100000 + i);
            // Half ask for help (an encrypted reply), half get no reply.
            const std::string content = i % 2 == 0 ? "help" : "打印机无法连接，请尽快处理";
            std::string plaintext =
                "<xml><ToUserName><![CDATA[ww3f8a2b1c4d5e6f70]]></ToUserName><FromUserName>"
                "<![CDATA[user";
            plaintext.append(std::to_string(i % 500))
                .append("]]></FromUserName><CreateTime>")
                .append(timestamp)
                .append("</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[")
                .append(content)
                .append("]]></Content><MsgId>")
                .append(std::to_string(msg_id))
                .append("</MsgId><AgentID>1000002</AgentID></xml>");
            const std::string encrypt = crypt->encrypt(plaintext);
            out << "/callback/corp-app?msg_signature=" << crypt->sign(timestamp, nonce, encrypt)
                << "&timestamp=" << timestamp << "&nonce=" << nonce
                << "\t<xml><ToUserName><![CDATA[ww3f8a2b1c4d5e6f70]]></"
                   "ToUserName><Encrypt><![CDATA["
                << encrypt << "]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>\n";
        }
    }
    return 0;
}
