// The Node peer of bench/run_vs_nginx.sh: what an Official Account callback server written the
// usual way in Node does for the same requests. Express on a cluster of WORKERS processes, the
// official @wecom/crypto package for the signature and AES, the XML fields read with regular
// expressions, one keyword (the bench's messages all contain it) answered with an encrypted
// passive reply, and duplicates found in an in-memory set of MsgIds. Unlike GroupDesk it writes
// nothing durable and tracks no reply window: a ceiling for such a server, not its equal.
// Usage: node server.js PORT   (TOKEN, AES_KEY, APP_ID, WORKERS from the environment)
'use strict';
const cluster = require('node:cluster');
const crypto = require('node:crypto');
const express = require('express');
const { getSignature, decrypt, encrypt } = require('@wecom/crypto');

const port = Number(process.argv[2] || 18094);
const token = process.env.TOKEN;
const aesKey = process.env.AES_KEY;
const appId = process.env.APP_ID;
const workers = Number(process.env.WORKERS || 2);

function field(xml, name) {
  const match = new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`).exec(xml);
  return match ? (match[1] ?? match[2]) : undefined;
}

function sha1(parts) {
  return crypto.createHash('sha1').update(parts.sort().join('')).digest('hex');
}

function serve() {
  const seen = new Set();
  const app = express();
  app.use(express.text({ type: '*/*', limit: '1mb' }));
  app.post('/callback/:name', (req, res) => {
    const { signature, timestamp, nonce, msg_signature: msgSignature } = req.query;
    if (sha1([token, String(timestamp), String(nonce)]) !== signature) {
      return res.status(401).send('bad signature');
    }
    const encrypted = field(req.body, 'Encrypt');
    if (!encrypted || getSignature(token, timestamp, nonce, encrypted) !== msgSignature) {
      return res.status(401).send('bad msg_signature');
    }
    const { message, id } = decrypt(aesKey, encrypted);
    if (id !== appId) return res.status(401).send('wrong app id');
    const msgId = field(message, 'MsgId');
    if (msgId && seen.has(msgId)) return res.send('success');
    if (msgId) seen.add(msgId);
    const content = field(message, 'Content') || '';
    if (!content.includes('快递')) return res.send('success');
    const reply =
      `<xml><ToUserName><![CDATA[${field(message, 'FromUserName')}]]></ToUserName>` +
      `<FromUserName><![CDATA[${field(message, 'ToUserName')}]]></FromUserName>` +
      `<CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
      '<Content><![CDATA[快递一般 48 小时内发出，单号会通过短信发给您。]]></Content></xml>';
    const ciphered = encrypt(aesKey, reply, appId);
    const replyNonce = crypto.randomBytes(8).toString('hex');
    const replyTime = String(Math.floor(Date.now() / 1000));
    res.type('application/xml').send(
      `<xml><Encrypt><![CDATA[${ciphered}]]></Encrypt>` +
      `<MsgSignature><![CDATA[${getSignature(token, replyTime, replyNonce, ciphered)}]]></MsgSignature>` +
      `<TimeStamp>${replyTime}</TimeStamp><Nonce><![CDATA[${replyNonce}]]></Nonce></xml>`);
  });
  app.listen(port, '127.0.0.1');
}

if (cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
} else {
  serve();
}
