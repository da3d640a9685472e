// Writes distinct, validly signed and encrypted WeCom callbacks for the wrk load test: every
// request carries its own MsgId, so the dedup path never answers from a record and flatters
// the figure. Output: one file per wrk thread, one "target<TAB>body" line per request.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>

#include "wecom/crypto.h"

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr,
                     "usage: make_callbacks COUNT_PER_FILE FILES OUT_PREFIX FIRST_MSG_ID\n");
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
