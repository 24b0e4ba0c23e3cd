#!/usr/bin/env python3
"""Reference for `multidrm token issue --batch`: the least Python can do per token.

Two commands:

  batch_ref.py make N OUT.jsonl     write N request lines, each with its own policy (the
                                    v10-like benchmark policy with a per-line license_duration
                                    and content key), so no line can reuse another's encryption
  batch_ref.py issue IN.jsonl OUT   mint one token per line into OUT

`issue` does what a token needs and nothing else: json.dumps of the policy, AES-256-CBC with
PKCS#7 (the `cryptography` package), SHA-256 (hashlib), base64, one token JSON per line. No
validation, no builders, no caches: a lower bound for a Python implementation.
"""

import base64
import datetime
import hashlib
import json
import os
import sys

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

SITE_ID = "TUTO"
SITE_KEY = b"lU5D8s3PWoLls3PWFWkClULlFWk5D8oC"
ACCESS_KEY = "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20"
IV = b"0123456789abcdef"
HERE = os.path.dirname(os.path.abspath(__file__))


def make(count, out_path):
    with open(os.path.join(HERE, "v10_like_policy.json"), encoding="utf-8") as f:
        base = json.load(f)
    with open(out_path, "w", encoding="utf-8") as out:
        for i in range(count):
            policy = json.loads(json.dumps(base))
            policy["playback_policy"]["license_duration"] = 3600 + i
            policy["external_key"]["mpeg_cenc"][0]["key"] = "%032x" % (i * 7919 + 1)
            line = {
                "drm_type": "Widevine",
                "user_id": "user-%d" % i,
                "cid": "content-%d" % (i % 977),
                "policy": policy,
            }
            out.write(json.dumps(line, separators=(",", ":")) + "\n")


def issue(in_path, out_path):
    key = algorithms.AES(SITE_KEY)
    with open(in_path, encoding="utf-8") as lines, open(out_path, "w") as out:
        for line in lines:
            req = json.loads(line)
            plain = json.dumps(req["policy"]).encode()
            padder = padding.PKCS7(128).padder()
            padded = padder.update(plain) + padder.finalize()
            enc = Cipher(key, modes.CBC(IV)).encryptor()
            policy = base64.b64encode(enc.update(padded) + enc.finalize()).decode()
            ts = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            digest = hashlib.sha256(
                (ACCESS_KEY + req["drm_type"] + SITE_ID + req["user_id"] + req["cid"] + policy + ts).encode()
            ).digest()
            token = {
                "drm_type": req["drm_type"],
                "site_id": SITE_ID,
                "user_id": req["user_id"],
                "cid": req["cid"],
                "policy": policy,
                "response_format": "original",
                "key_rotation": False,
                "timestamp": ts,
                "hash": base64.b64encode(digest).decode(),
            }
            out.write(base64.b64encode(json.dumps(token).encode()).decode() + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "make":
        make(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "issue":
        issue(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
