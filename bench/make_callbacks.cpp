// Writes distinct, validly signed and encrypted callbacks for the wrk load tests: every request
// carries its own MsgId, so the dedup path never answers from a record and flatters the figure.
// Kinds: "wecom" (the default: WeCom app messages, half "help"), "aibot-tickets" (AI-bot group
// mentions that each create a ticket) and "aibot-questions" (AI-bot group mentions that create
// nothing: plain questions, a quarter of them with a keyword of bench/run_keywords.sh's fixed
// rules) and "mp-users" (Official Account messages in safe mode, each from a follower of its
// own, so that each opens a reply window of its own: the tracking's worst case). Output: one
// file per wrk thread, one "target<TAB>body" line per request.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>

#include "wecom/crypto.h"

namespace {

// The text after "@助手 " of AI-bot callback `i`: a ticket command, or a question.
using Content = std::string (*)(long i, long long msg_id);

// Every one creates a ticket, durable before its answer.
std::string ticket_content(long /*i*/, long long msg_id) {
    // JSON escapes: the message has three more lines, for the fields.
    return "工单 打印机无法连接 " + std::to_string(msg_id) +
           R"(\n优先级：高\n分类：IT\n三楼东侧那台，换了纸也不行)";
}

// Every fourth question has a keyword of one of the four fixed rules (退款, 发票, 营业时间, 快递);
// the others none of them. The msgid keeps each text distinct and picks the rule, so that with
// the group (msgid % a prime) no rule meets the same group twice in 320,000 callbacks: the flood
// guard stays out of the way.
std::string question_content(long /*i*/, long long msg_id) {
    static constexpr const char* kHits[] = {
        "请问怎么退款？订单号 ", "我想开发票，公司抬头怎么填写 ", "你们的营业时间是几点到几点 ",
        "我的快递到哪了，三天了还没到 "};
    static constexpr const char* kPlain[] = {
        "打印机无法连接，换了纸也不行 ", "会议室的投影仪没有信号 ",   "VPN 登录一直提示密码错误 ",
        "新同事的邮箱什么时候能开通 ",   "报销单提交以后要多久审批 ", "电脑开机很慢，能帮忙看看吗 ",
        "Wi-Fi 在三楼东侧信号很弱 ",     "门禁卡丢了应该找谁补办 ",   "下周的培训在哪个教室 ",
        "空调温度太低了可以调高一点吗 ", "共享盘里的文件夹打不开了 ", "显示器闪屏，换了线也一样 "};
    const long long n = msg_id % 48;
    const std::string head = n % 4 == 0 ? kHits[(n / 4) % 4] : kPlain[(n / 4 * 3 + n % 4 - 1) % 12];
    return head + std::to_string(msg_id);
}

// AI-bot group mentions "@助手 …" in the demo "group-bot" channel, each with its own msgid, from
// 500 members in `groups` groups (msgid % groups).
int write_aibot_callbacks(long count, int files, const std::string& prefix, long long msg_id,
                          Content content, long groups) {
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
                .append(std::to_string(msg_id % groups))
                .append(R"(","chattype":"group","from":{"userid":"user)")
                .append(std::to_string(i % 500))
                .append(R"("},"response_url":"https://qyapi.weixin.qq.com/cgi-bin/aibot/)"
                        R"(response?response_code=bench","msgtype":"text","text":{"content":)"
                        R"("@助手 )")
                .append(content(i, msg_id))
                .append(R"("}})");
            const std::string encrypt = crypt->encrypt(plaintext);
            out << "/callback/group-bot?msg_signature=" << crypt->sign(timestamp, nonce, encrypt)
                << "&timestamp=" << timestamp << "&nonce=" << nonce << "\t{\"encrypt\":\""
                << encrypt << "\"}\n";
        }
    }
    return 0;
}

// Official Account text messages to the demo "service-account" channel in safe mode, each from
// its own follower (oBench<msgid>) and signed as the platform signs them (wecom-protocol.md §5).
int write_mp_callbacks(long count, int files, const std::string& prefix, long long msg_id) {
    const std::string token = "GroupDeskMpToken2026";
    auto crypt = groupdesk::wecom::MsgCrypt::create(
        token, "3nVrx2zzilnhlUG6WX3yAQeuVrTJTdSZaDMfgq9gOOk", "wx8b2c4d6e8f0a1b3c");
    if (!crypt.ok()) return 1;
    const long long now = static_cast<long long>(std::time(nullptr));
    for (int f = 0; f < files; ++f) {
        std::ofstream out(prefix + std::to_string(f + 1) + ".txt");
        for (long i = 0; i < count; ++i, ++msg_id) {
            const std::string timestamp = std::to_string(now - i % 1800);
            const std::string nonce = std::to_string(100000 + i);
            const std::string openid = "oBench" + std::to_string(msg_id);
            std::string plaintext =
                "<xml><ToUserName><![CDATA[gh_groupdesk]]></ToUserName><FromUserName><![CDATA[";
            plaintext.append(openid)
                .append("]]></FromUserName><CreateTime>")
                .append(timestamp)
                .append("</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[")
                .append("我的快递三天了还没到，订单 ")
                .append(std::to_string(msg_id))
                .append("]]></Content><MsgId>")
                .append(std::to_string(msg_id))
                .append("</MsgId></xml>");
            const std::string encrypt = crypt->encrypt(plaintext);
            out << "/callback/service-account?signature="
                << groupdesk::wecom::sha1_signature({token, timestamp, nonce})
                << "&timestamp=" << timestamp << "&nonce=" << nonce << "&openid=" << openid
                << "&encrypt_type=aes&msg_signature=" << crypt->sign(timestamp, nonce, encrypt)
                << "\t<xml><ToUserName><![CDATA[gh_groupdesk]]></ToUserName><Encrypt><![CDATA["
                << encrypt << "]]></Encrypt></xml>\n";
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5 && argc != 6) {
        std::fprintf(stderr,
                     "usage: make_callbacks COUNT_PER_FILE FILES OUT_PREFIX FIRST_MSG_ID "
                     "[wecom|aibot-tickets|aibot-questions|mp-users]\n");
        return 2;
    }
    if (argc == 6 && std::string(argv[5]) == "aibot-tickets") {
        return write_aibot_callbacks(std::atol(argv[1]), std::atoi(argv[2]), argv[3],
                                     std::atoll(argv[4]), ticket_content, 50);
    }
    // Questions in 20,011 groups: a keyword rule answers a chat once per flood interval (30 s),
    // and the benchmark wants answers, not the flood guard's silence.
    if (argc == 6 && std::string(argv[5]) == "aibot-questions") {
        return write_aibot_callbacks(std::atol(argv[1]), std::atoi(argv[2]), argv[3],
                                     std::atoll(argv[4]), question_content, 20011);
    }
    if (argc == 6 && std::string(argv[5]) == "mp-users") {
        return write_mp_callbacks(std::atol(argv[1]), std::atoi(argv[2]), argv[3],
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
