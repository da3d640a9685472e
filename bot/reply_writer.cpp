// Reply encoding per channel kind (protocol brief §4, §5, §6).
#include "bot/reply_writer.h"

#include "wecom/json_codec.h"
#include "wecom/xml_codec.h"

namespace groupdesk::bot {
namespace {

using config::ChannelKind;

}  // namespace

std::string stream_id_for(const wecom::InboundMessage& msg) {
    return "gd-" + wecom::sha1_signature({msg.msg_id}).substr(0, 16);
}

HttpResponse no_reply_answer(ChannelKind kind) {
    // WeCom and the AI bot take an empty body; Official Accounts document "success".
    return HttpResponse::text(200, kind == ChannelKind::Mp ? "success" : "");
}

bool accepts_passive_reply(const wecom::Reply& reply, const wecom::InboundMessage& msg) {
    if (msg.kind != ChannelKind::AiBot) return true;
    const auto* event = std::get_if<wecom::EventBody>(&msg.body);
    if (event == nullptr || event->event == "enter_chat") return true;
    // A click is answered only by replacing the card; a text there would be a stream to a
    // message that does not exist, which the platform drops.
    return event->event == "template_card_event" &&
           (std::holds_alternative<wecom::TemplateCardReply>(reply) ||
            std::holds_alternative<wecom::CardUpdateReply>(reply));
}

HttpResponse reply_answer(const wecom::Reply& reply, const wecom::InboundMessage& msg,
                          const OpenedCallback& request, const wecom::MsgCrypt* crypt,
                          std::int64_t now) {
    const bool json = msg.kind == ChannelKind::AiBot;
    std::string plaintext = json ? wecom::encode_aibot_reply(reply, msg, stream_id_for(msg))
                                 : wecom::encode_xml_reply(reply, msg.sender, msg.recipient, now);
    HttpResponse response;
    response.content_type = json ? "application/json" : "application/xml";
    if (!request.encrypted || crypt == nullptr) {
        response.body = std::move(plaintext);
        return response;
    }
    const std::string encrypted = crypt->encrypt(plaintext);
    const std::string signature = crypt->sign(request.timestamp, request.nonce, encrypted);
    response.body =
        json ? wecom::encode_json_envelope(encrypted, signature, request.timestamp, request.nonce)
             : wecom::encode_xml_envelope(encrypted, signature, request.timestamp, request.nonce);
    return response;
}

}  // namespace groupdesk::bot
