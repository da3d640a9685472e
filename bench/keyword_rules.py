#!/usr/bin/env python3
"""Prints COUNT keyword rules as the body of POST /api/v1/keywords/import, for the load tests.

The mix of bench/keyword_bench.cpp: 90 % contains (a quarter with two keywords), 5 % exact, 4 %
prefix, 1 % regex; keywords of 2-5 characters from 600 CJK characters; priorities 0-2. Plus four
fixed contains rules (priority 5: 退款, 发票, 营业时间, 快递) that the benchmark's messages hit.
Usage: bench/keyword_rules.py COUNT > rules.json
"""
import json, random, sys
count = int(sys.argv[1])
rnd = random.Random(20261202)
def word(n):
    return "".join(chr(0x4E00 + 34 * rnd.randrange(600)) for _ in range(n))
rules = [{"keywords": [k], "reply": r, "priority": 5} for k, r in [
    ("退款", "退款请提供订单号，我们会在 1–3 个工作日内处理。"),
    ("发票", "发票请在订单页申请，电子发票 24 小时内发到邮箱。"),
    ("营业时间", "营业时间：周一至周五 9:00–21:00。"),
    ("快递", "快递一般 48 小时内发出，单号见订单详情。")]]
for i in range(count - len(rules)):
    dice = rnd.randrange(100)
    rule = {"priority": rnd.randrange(3), "reply": "自动回复 %d：%s" % (i, word(20))}
    if dice == 0:
        rule.update(match_type="regex", keywords=[word(2) + r".{0,6}\d{6,}"])
    elif dice <= 4:
        rule.update(match_type="prefix", keywords=[word(2 + rnd.randrange(4))])
    elif dice <= 9:
        rule.update(match_type="exact", keywords=[word(2 + rnd.randrange(3))])
    else:
        rule.update(match_type="contains", keywords=[word(3 + rnd.randrange(3))])
        if rnd.randrange(4) == 0:
            rule["keywords"].append(word(3 + rnd.randrange(3)))
    rules.append(rule)
# Each with an origin, as an Official Account import gives them: importing again updates.
for i, rule in enumerate(rules):
    rule["origin"] = "bench:%d" % i
json.dump({"rules": rules}, sys.stdout, ensure_ascii=False)
