"""Form errors are sentences about the field (api.form_errors, api.checkout_form): never the
validator's own text (issue 10: "Value error, 'XX' is not an ISO 3166-1 alpha-2 ...")."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from shop_orders.api.checkout_form import invalid_form
from shop_orders.api.offer_text import delivery_text
from shop_orders.api.schemas import OrderCreate
from shop_orders.domain.catalog import Media

CLIENT = {
    "name": "Ada",
    "email": "ada@example.com",
    "address": {"line1": "1 Rue X", "city": "Paris", "postal_code": "75001", "country": "FR"},
}
ITEM = {
    "media_id": "5b0f6c1e-6a43-4f0e-9a53-3f1d2c7a9e10",
    "license_id": "5b0f6c1e-6a43-4f0e-9a53-3f1d2c7a9e11",
}


def refusal(**changes: Any) -> dict[str, str]:
    body: dict[str, Any] = {"client": {**CLIENT}, "items": [ITEM], **changes}
    with pytest.raises(ValidationError) as caught:
        OrderCreate.model_validate(body)
    return invalid_form(caught.value).fields


@pytest.mark.parametrize(
    ("change", "field", "sentence"),
    [
        ({"country": "XX"}, "country", "Please enter your country as a two-letter code"),
        ({"country": ""}, "country", "Please enter your country"),
        ({"email": "ada"}, "email", "Please enter a valid email address"),
        ({"name": ""}, "name", "Please enter your name."),
        ({"name": "A\nB"}, "name", "Your name must be a single line (no line breaks)."),
        ({"postal_code": "1" * 21}, "postal_code", "Please shorten your postal code to 20"),
    ],
)
def test_a_wrong_field_gets_a_sentence(change: dict[str, str], field: str, sentence: str) -> None:
    client = {**CLIENT, **{k: v for k, v in change.items() if k in ("name", "email")}}
    address = {**CLIENT["address"], **{k: v for k, v in change.items() if k not in client}}
    said = refusal(client={**client, "address": address})
    assert said[field].startswith(sentence)
    for raw in ("Value error", "ISO 3166", "String should", "value is not"):
        assert raw not in said[field]


def test_no_license_ticked() -> None:
    assert refusal(items=[])["items"].startswith("Please tick at least one license")


def test_what_each_license_delivers_in_words() -> None:
    photo = Media(
        id=ITEM["media_id"],  # type: ignore[arg-type]
        title="Lake",
        kind="image",
        media_key="k",
        width=4000,
        height=2667,
    )
    assert (
        delivery_text({"mode": "original"}, photo) == "The original file, full size, 4000 x 2667 px"
    )
    web = {"mode": "long_edge", "long_edge": 1024, "format": "jpeg"}
    assert delivery_text(web, photo) == "JPEG, 1024 px on the long side"
    fit = {"mode": "fit", "width": 800, "height": 600}
    assert delivery_text(fit, photo) == "Same format as the original, fits within 800 x 600 px"
    clip = Media(
        id=ITEM["media_id"],  # type: ignore[arg-type]
        title="Clip",
        kind="video",
        media_key="c",
        width=1920,
        height=1080,
    )
    assert delivery_text({"mode": "original", "video_max_height": 720}, clip) == (
        "MP4 video, up to 720 lines high"
    )
