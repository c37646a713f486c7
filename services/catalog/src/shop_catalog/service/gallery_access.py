"""Private galleries: passwords (scrypt), access links for allowed emails, and the signed
cookie that unlocks one gallery for a browser.

- Passwords are stored as `scrypt$n$r$p$salt$hash` (hashlib.scrypt; argon2 is not installed).
- An access link is `/g/{slug}?access=<random token>`; only the token's sha256 is stored, so
  a leaked table does not leak links.
- The unlock cookie (`shop_gallery_<id>`) is signed with SECRET_KEY and names the gallery, a
  fingerprint of its password hash (changing the password locks everyone out again) and an
  expiry.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
import uuid
from collections.abc import Mapping

from shop_catalog.domain.sales import Gallery
from shop_platform.security import (
    constant_time_equals,
    hash_token,
    random_token,
    sign_value,
    unsign_value,
)

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
UNLOCK_TTL_S = 30 * 24 * 3600
COOKIE_PREFIX = "shop_gallery_"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or random_token(16).encode()
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=64 * 1024**2
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.decode()}${_b64(digest)}"


def password_matches(password: str, stored: str | None) -> bool:
    if not stored or not password:
        return False
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        digest = hashlib.scrypt(
            password.encode(),
            salt=salt.encode(),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=64 * 1024**2,
        )
    except ValueError:
        return False
    return scheme == "scrypt" and constant_time_equals(_b64(digest), expected)


async def hash_password_async(password: str) -> str:
    return await asyncio.to_thread(hash_password, password)  # ~50 ms of CPU, off the loop


async def password_matches_async(password: str, stored: str | None) -> bool:
    return await asyncio.to_thread(password_matches, password, stored)


def new_access_token() -> tuple[str, str]:
    """(the token for the link, what is stored of it)."""
    token = random_token(24)
    return token, hash_token(token)


def cookie_name(gallery_id: uuid.UUID) -> str:
    return f"{COOKIE_PREFIX}{gallery_id.hex}"


def _fingerprint(gallery: Gallery) -> str:
    return hashlib.sha256((gallery.password_hash or "-").encode()).hexdigest()[:16]


class GalleryKeys:
    """Signs and checks the unlock cookies of one shop (SECRET_KEY)."""

    def __init__(self, secret: str, public_url: str) -> None:
        self._secret = secret
        self.public_url = public_url.rstrip("/")

    def access_url(self, slug: str, token: str) -> str:
        return f"{self.public_url}/g/{slug}?access={token}"

    def unlock_cookie(self, gallery: Gallery, *, now: float | None = None) -> str:
        expires = int((time.time() if now is None else now) + UNLOCK_TTL_S)
        value = f"{gallery.id.hex}.{_fingerprint(gallery)}.{expires}"
        return sign_value(self._secret, "gallery-unlock", value)

    def unlocked(self, gallery: Gallery, cookies: Mapping[str, str]) -> bool:
        """A public or unlisted gallery is open; a private one needs its valid cookie."""
        if not gallery.is_private:
            return True
        signed = cookies.get(cookie_name(gallery.id))
        value = unsign_value(self._secret, "gallery-unlock", signed) if signed else None
        if value is None:
            return False
        gallery_hex, _, rest = value.partition(".")
        fingerprint, _, expires = rest.partition(".")
        return (
            gallery_hex == gallery.id.hex
            and fingerprint == _fingerprint(gallery)
            and expires.isdigit()
            and int(expires) > time.time()
        )
