"""RFC 6238 TOTP computed independently of django-otp, as an authenticator app does."""

import base64
import hashlib
import hmac
import struct
import time


def totp(secret_base32: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    secret = secret_base32.replace(" ", "").upper()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


def secret_of(device) -> str:
    return base64.b32encode(device.bin_key).decode()
