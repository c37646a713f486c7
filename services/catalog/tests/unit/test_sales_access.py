"""Pure rules of the sales part: slugs (readable for public galleries, unguessable
otherwise), private galleries need a way in, passwords (scrypt), the unlock cookie (one
gallery, its current password, an expiry)."""

from __future__ import annotations

import time
import uuid

import pytest

from shop_catalog.domain.sales import (
    FieldError,
    Gallery,
    check_access_setup,
    gallery_slug,
    slugify,
    unique_emails,
)
from shop_catalog.service.gallery_access import (
    GalleryKeys,
    cookie_name,
    hash_password,
    password_matches,
)


def test_slugs() -> None:
    assert slugify("Été à Paris!") == "ete-a-paris"
    assert slugify("***") == "gallery"
    assert gallery_slug("Night Boats", "public", "x1y2z3") == "night-boats"
    assert gallery_slug("Night Boats", "private", "x1y2z3") == "night-boats-x1y2z3"
    assert gallery_slug("Night Boats", "unlisted", "x1y2z3") == "night-boats-x1y2z3"


def test_a_private_gallery_needs_a_password_or_emails() -> None:
    with pytest.raises(FieldError) as refused:
        check_access_setup("private", has_password=False, allowed_emails=[])
    assert refused.value.field == "password"
    check_access_setup("private", has_password=True, allowed_emails=[])
    check_access_setup("private", has_password=False, allowed_emails=["a@example.com"])
    check_access_setup("public", has_password=False, allowed_emails=[])


def test_emails_are_kept_once_in_lower_case() -> None:
    assert unique_emails(["A@x.com", "a@x.com ", "b@x.com"]) == ["a@x.com", "b@x.com"]


def test_passwords_are_hashed_with_a_salt() -> None:
    stored = hash_password("demo")
    assert stored.startswith("scrypt$")
    assert "demo" not in stored
    assert stored != hash_password("demo")
    assert password_matches("demo", stored)
    assert not password_matches("Demo", stored)
    assert not password_matches("", stored)
    assert not password_matches("demo", None)
    assert not password_matches("demo", "garbage")


def private(password_hash: str | None = "h1") -> Gallery:
    return Gallery(
        id=uuid.UUID(int=7),
        slug="x",
        title="X",
        description=None,
        visibility="private",
        password_hash=password_hash,
    )


def test_the_unlock_cookie_opens_one_gallery_with_its_current_password() -> None:
    keys = GalleryKeys("secret-" * 6, "http://catalog.test")
    gallery = private()
    cookie = keys.unlock_cookie(gallery)
    name = cookie_name(gallery.id)
    assert keys.unlocked(gallery, {name: cookie})
    assert not keys.unlocked(gallery, {})
    assert not keys.unlocked(gallery, {name: cookie + "x"})
    assert not keys.unlocked(private("h2"), {name: cookie}), "a new password locks it again"
    assert not GalleryKeys("another-" * 6, "http://c").unlocked(gallery, {name: cookie})
    expired = keys.unlock_cookie(gallery, now=time.time() - 31 * 24 * 3600)
    assert not keys.unlocked(gallery, {name: expired})
    elsewhere = Gallery(
        id=uuid.UUID(int=8),
        slug="y",
        title="Y",
        description=None,
        visibility="private",
        password_hash="h1",
    )
    assert not keys.unlocked(elsewhere, {cookie_name(elsewhere.id): cookie})
