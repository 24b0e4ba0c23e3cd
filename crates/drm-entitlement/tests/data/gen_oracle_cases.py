#!/usr/bin/env python3
"""Generates oracle_cases.json: extra request/response bodies (floats, booleans, nulls, big and
negative numbers, upper-case challenges) with the message and signature of every rendering
profile x null policy x declared-Double combination, computed by the project's independent Python
oracle (shared/tools/diva_entitlement.py). Run from the repository root:

    python3 crates/drm-entitlement/tests/data/gen_oracle_cases.py ../shared/tools \
        > crates/drm-entitlement/tests/data/oracle_cases.json
"""
import json
import sys

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "../shared/tools")
import diva_entitlement as d  # noqa: E402

SECRET = "oracle-secret-\u00e9\u00df"  # non-ASCII on purpose: keys are UTF-8
CH_LOWER = "9b2f3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"
CH_UPPER = CH_LOWER.upper()

REQUESTS = {
    "type_string_nfl_style": '{"Type":"1","User":"u","VideoId":"v-1","AssetState":"3","Challenge":"%s"}' % CH_LOWER,
    "ios_ints_upper_uuid": '{"Type":1,"User":"","VideoId":"v","VideoSource":"https://a/b.m3u8","VideoKind":"vod","AssetState":3,"Challenge":"%s","PlayerType":"iOS","DRMType":"fairplay","AuthType":"Open","ContentKeyData":"","Other":""}' % CH_UPPER,
    "float_and_bool_values": '{"Type":1.0,"User":true,"VideoId":30.50,"AssetState":1e1,"Other":false,"Challenge":"%s"}' % CH_LOWER,
    "nulls_everywhere": '{"Type":1,"User":null,"VideoId":"v","VideoKind":null,"AssetState":"2","Other":null,"Challenge":"%s"}' % CH_LOWER,
    "big_and_negative_numbers": '{"Type":2,"VideoId":12345678901234567890123,"AssetState":-0,"ContentKeyData":-2.5e-7,"Other":1E21,"Challenge":"%s"}' % CH_LOWER,
    "unicode_strings": '{"Type":1,"User":"j\\u00fcrgen \u2603","VideoId":"\u00e9t\u00e9","AssetState":"3","Challenge":"%s"}' % CH_LOWER,
}

RESPONSES = {
    "float_heartbeat": '{"Response":"ok","ResponseCode":0,"Message":"","Action":"","ContentUrl":"https://c/x.mpd","HeartBeatTime":30.0,"ActionParameters":"","AuthToken":"tok","LicenseURL":"https://l/"}',
    "big_float_heartbeat": '{"Response":"ok","ResponseCode":0,"ContentUrl":"u","HeartBeatTime":10000000.0,"AuthToken":"t","LicenseURL":"l"}',
    "nulls_and_bools": '{"Response":"ko","ResponseCode":"1003","Message":null,"Action":true,"ContentUrl":null,"HeartBeatTime":0,"ActionParameters":false,"AuthToken":null,"LicenseURL":""}',
    "fractional_heartbeat": '{"Response":"ok","ResponseCode":0,"HeartBeatTime":30.5,"ContentUrl":"u","AuthToken":"t","LicenseURL":"l"}',
    "exponent_numbers": '{"Response":"ok","ResponseCode":0e0,"Message":1.5e-7,"HeartBeatTime":1e16,"ActionParameters":0.0001,"AuthToken":"t"}',
}



def variants(obj, keys):
    out = []
    num_keys = [k for k in keys if k in obj and isinstance(obj[k], d.RawNumber)]
    for decl_name in ("none", "double", "int"):
        if decl_name == "none":
            nt = {}
        else:
            nt = {k: decl_name for k in num_keys}
            if not nt:
                continue
        for p in d.PROFILES:
            for np_ in ("skip", "literal"):
                try:
                    msg = d.message(obj, keys, p, np_, nt)
                except (TypeError, ValueError, OverflowError):
                    continue
                out.append({"profile": p, "null_policy": np_, "declared": nt, "message": msg})
    return out


cases = []
for name, text in REQUESTS.items():
    obj = d.loads_preserving(text)
    ch = obj["Challenge"]
    vs = variants(obj, d.REQUEST_KEYS)
    for v in vs:
        v["signature"] = d.hmac_upper_hex(d.request_key(SECRET, ch), v["message"])
    cases.append({"name": name, "kind": "request", "body_json": text, "secret": SECRET,
                  "challenge": ch, "variants": vs})
for name, text in RESPONSES.items():
    obj = d.loads_preserving(text)
    ch = CH_UPPER if "float" in name else CH_LOWER
    vs = variants(obj, d.RESPONSE_KEYS)
    for v in vs:
        v["signature"] = d.hmac_upper_hex(d.response_key(ch, SECRET), v["message"])
    cases.append({"name": name, "kind": "response", "body_json": text, "secret": SECRET,
                  "challenge": ch, "variants": vs})

json.dump({"description": __doc__.strip().splitlines()[0] + " ...", "cases": cases},
          sys.stdout, indent=1, ensure_ascii=False)
print()
