#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from the project's
reference material in shared/ (token, entitlement and NCP vectors, CPIX samples, the NCP spec).

Run from the repository root with shared/ beside it:  python3 fuzz/make_seeds.py [SHARED_DIR]
Every seed is < 4 KiB; file names are content hashes, so re-running is idempotent.
"""
import base64
import glob
import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared")
LIMIT = 4096
MAX_PER_TARGET = 24


def write(target, items):
    out = os.path.join(HERE, "corpus", target)
    os.makedirs(out, exist_ok=True)
    seen = set()
    kept = 0
    for data in items:
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not data or len(data) >= LIMIT:
            continue
        digest = hashlib.sha1(data).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        with open(os.path.join(out, digest[:16]), "wb") as f:
            f.write(data)
        kept += 1
        if kept >= MAX_PER_TARGET:
            break
    print(f"{target}: {kept} seeds")


def load(path):
    with open(os.path.join(SHARED, path), encoding="utf-8") as f:
        return json.load(f)


def token_vectors():
    for path in sorted(glob.glob(os.path.join(SHARED, "vectors/token/*.json"))):
        with open(path, encoding="utf-8") as f:
            v = json.load(f)
        impls = [v] if "token" in v else [v["primary"]] + list(v.get("other_implementations", {}).values())
        for impl in impls:
            if isinstance(impl, dict):
                yield impl


# --- token_inspect: tokens (base64) and token JSONs (the harness encodes those itself)
tokens, jsons, policies = [], [], []
for impl in token_vectors():
    if impl.get("token"):
        tokens.append(impl["token"])
    if impl.get("token_json"):
        jsons.append(impl["token_json"])
    if impl.get("policy_plaintext"):
        policies.append(impl["policy_plaintext"])
# interleave so that both shapes survive the per-target cap
write("token_inspect", [x for pair in zip(tokens, jsons) for x in pair] + tokens + jsons)

# --- policy_parse: the policy plaintexts of the same vectors
write("policy_parse", policies)

# --- cpix_response: KMS responses (samples + docs) and the KMS error body
responses = sorted(glob.glob(os.path.join(SHARED, "cpix/samples/**/*response*.xml"), recursive=True))
cpix = [open(p, "rb").read() for p in responses]
cpix += [open(p, "rb").read() for p in glob.glob(os.path.join(SHARED, "cpix/samples/**/*kms_error*.json"), recursive=True)]
write("cpix_response", cpix)

# --- pssh_decode: PSSH / ContentProtectionData / URIExtXKey / HLS signalling of those responses,
#     decoded (binary boxes, Widevine protobuf, PlayReady objects, WRMHEADER XML) and as text
values = []
for doc in cpix:
    text = doc.decode("utf-8", "replace")
    for tag in ("PSSH", "ContentProtectionData", "SmoothStreamingProtectionHeaderData",
                "URIExtXKey", "HLSSignalingData", "ProtectionHeader"):
        values += re.findall(r"<(?:\w+:)?%s[^>]*>\s*([A-Za-z0-9+/=\s]+?)\s*</" % tag, text)
decoded = []
for b64 in dict.fromkeys(values):
    try:
        raw = base64.b64decode(b64, validate=False)
    except Exception:
        continue
    decoded.append(raw)
    # a PlayReady object: its WRMHEADER as UTF-8 XML too (WrmHeader::parse_xml)
    if len(raw) > 10 and raw[4:6] == b"\x01\x00" and raw[6:8] == b"\x01\x00":
        try:
            decoded.append(raw[10:].decode("utf-16-le").encode("utf-8"))
        except Exception:
            pass
    # a pssh box: its data too
    if raw[4:8] == b"pssh" and len(raw) >= 32:
        decoded.append(raw[32:] if raw[8] == 0 else raw)
    # text forms (skd:// URIs, #EXT-X-KEY lines) are decoded text
    if raw[:6] == b"skd://" or raw.startswith(b"#EXT"):
        decoded.append(raw)
mixed = []
for i, d in enumerate(decoded):
    mixed.append(d)
    if i < len(values):
        mixed.append(values[i].strip())
write("pssh_decode", mixed)

# --- entitlement_verify: request and response bodies, unsigned and signed
bodies = []
for name in ("request_vectors.json", "response_vectors.json"):
    for case in load("vectors/entitlement/" + name)["cases"]:
        for key in ("signed_body_json", "body_json", "signed_response_json", "response_json"):
            if case.get(key):
                bodies.append(case[key])
write("entitlement_verify", bodies)

# --- ncp_response: bodies built from the field lists of shared/specs/ncp.md §3-§5
wv = {"useYn": True, "securityLevel": 1, "hdcp": "HDCP_NONE", "cgms": "CGMS_NONE",
      "disableAnalogOutputYn": False, "hdcpSrmRule": "HDCP_SRM_RULE_NONE", "deviceRevocation": False}
pr = {"useYn": True, "securityLevel": 150, "digitalVideoProtectionLevel": 100,
      "analogVideoProtectionLevel": 100, "digitalAudioProtectionLevel": 100, "hdcpUseYn": False}
fp = {"useYn": True, "hdcpEnforcement": "-1", "allowAirPlay": True, "allowAvAdaptor": True}
request = {"policyName": "basic_policy", "persistent": False, "rentalDuration": 0, "playbackDuration": 0,
           "drmPolicyConfig": {"widevine": wv, "playready": pr, "fairplay": fp}}
policy = dict(request, disabled=False, policyId=12, policyStatus="READY",
              policyCreatedTime=1756968701258, policyUpdateTime=1756973541596)
legacy = dict(policy, drmPolicyConfig=[{"wideVine": dict(wv, securityLevel="1"), "playReady": pr,
                                        "fairPlay": dict(fp, hdcpEnforcement=-1)}], policyStatus="CREATED")
site = {"disabled": False, "siteId": "drm-20250903141775-AbCdE", "siteName": "my_site", "siteStatus": "RUNNING",
        "siteEnabledYn": True, "policyId": 0, "policyName": "Basic",
        "fairPlayCert": {"certFile": "https://example.com/fp.der", "privateKey": "https://example.com/fp.pem",
                         "privateEncryptedString": "pass", "secretKey": "ask"}}
ncp = [
    {"success": True, "content": policy},
    {"success": True, "content": [policy, legacy], "total": 2},
    {"success": True, "content": legacy},
    {"success": True, "content": site},
    {"success": True, "content": [site], "total": "1"},
    {"success": True, "content": [{"policyId": 12, "description": "policy created", "timestamp": 1756968701258}], "total": 1},
    {"success": True, "content": [{"siteId": site["siteId"], "description": "site on", "timestamp": 1756968701258}], "total": 1},
    {"success": True, "content": [{"siteId": site["siteId"], "contentId": "content-0001", "drmType": "WIDEVINE",
                                   "userId": "user-0001", "deviceId": "d1", "deviceModel": "Pixel",
                                   "status": "success", "issuedTime": 1756968701258}], "total": 1},
    {"error": {"code": "281003", "name": "SITE_NOT_FOUND", "message": "site not found"}},
    {"error": {"errorCode": "200", "message": "Authentication Failed", "details": "Invalid timestamp"}},
    {"success": False},
    request,
    {"siteName": "my_site", "policyId": 0, "fairPlayCert": site["fairPlayCert"]},
]
ncp_bodies = [json.dumps(b, separators=(",", ":")) for b in ncp]
ncp_bodies += [c["x_drm_token"] for c in load("vectors/ncp/drm_token.json")["cases"]]
write("ncp_response", ncp_bodies)
