"""The OpenAPI document tells the truth about what the API accepts and answers.

- Validation errors are rendered as `{"error", "detail", "fields"}` (shop_platform.errors),
  not FastAPI's `{"detail": [...]}`: the `HTTPValidationError` component says so.
- Rules pydantic checks in code are written into the schemas where JSON Schema can say them:
  no control characters in text, ISO country codes, the fields each delivery mode needs,
  the known placeholders of file-name templates.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from shop_orders.domain.countries import ISO_COUNTRY_CODES
from shop_platform.errors import VALIDATION_ERROR_SCHEMA

SINGLE_LINE = r"^[^\u0000-\u001f\u007f-\u009f]*$"
MULTILINE = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
_EMAIL_PART = r"[^@\s<>\"',;\u0000-\u001f\u007f-\u009f]+"
EMAIL = f"^{_EMAIL_PART}@{_EMAIL_PART}$"
PHONE = r"^\s*\+?[0-9 ().\-/]*$"
LOGO_URL = r"^\s*$|^\s*(https?://|/)[^\s\"'<>]*\s*$"

VALIDATION_ERROR = VALIDATION_ERROR_SCHEMA
MODE_NEEDS = {"long_edge": ["long_edge"], "fit": ["width", "height"], "fill": ["width", "height"]}
TEXT_PATTERNS: dict[str, dict[str, str]] = {
    "ClientIn": {"name": SINGLE_LINE},
    "AddressIn": {n: SINGLE_LINE for n in ("line1", "line2", "city", "postal_code", "region")},
    "OrderCreate": {"note": MULTILINE, "coupon": SINGLE_LINE, "vat_number": SINGLE_LINE},
    "QuoteAddressIn": {"region": SINGLE_LINE},
    "QuoteCreate": {"note": MULTILINE, "coupon": SINGLE_LINE, "vat_number": SINGLE_LINE},
    "SettingsUpdate": {
        "seller_email": EMAIL,
        "terms_text": MULTILINE,
        "shop_name": SINGLE_LINE,
        "contact_email": EMAIL,
        "contact_phone": PHONE,
        "logo_url": LOGO_URL,
    },
}


def template_pattern() -> str:
    """File-name templates: text and the known `{{placeholders}}`. Imported here, when the
    document is first built: shop_media.naming loads libvips (~9 MB a process keeps)."""
    from shop_media.naming import PLACEHOLDERS

    known = "|".join(re.escape(name) for name in sorted(PLACEHOLDERS))
    return r"^(?:[^{\u0000-\u001f\u007f-\u009f]|\{(?!\{)|\{\{(?:" + known + r")\}\})*$"


def _set_pattern(prop: dict[str, Any], pattern: str) -> None:
    """On a string property, or on the string branch of an `anyOf` with null."""
    for branch in prop.get("anyOf", [prop]):
        if branch.get("type") == "string":
            branch["pattern"] = pattern


def _mode_rules() -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for mode, needed in {**MODE_NEEDS, "megabytes": ["megabytes"]}.items():
        then = {
            "required": needed,
            "properties": {name: {"not": {"type": "null"}} for name in needed},
        }
        condition = {"properties": {"mode": {"const": mode}}, "required": ["mode"]}
        rules.append({"if": condition, "then": then})
    return rules


def patch_schemas(schemas: dict[str, Any]) -> None:
    schemas["HTTPValidationError"] = VALIDATION_ERROR
    patterns_of = {**TEXT_PATTERNS, "DeliverySpec": {"file_name_template": template_pattern()}}
    for name, patterns in patterns_of.items():
        properties = schemas.get(name, {}).get("properties", {})
        for field, pattern in patterns.items():
            if field in properties:
                _set_pattern(properties[field], pattern)
    for address in ("AddressIn", "QuoteAddressIn"):
        country = schemas.get(address, {}).get("properties", {}).get("country")
        if country is not None:
            for branch in country.get("anyOf", [country]):
                if branch.get("type") == "string":
                    branch["enum"] = sorted(ISO_COUNTRY_CODES)
    if "DeliverySpec" in schemas:
        schemas["DeliverySpec"]["allOf"] = _mode_rules()


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            patch_schemas(document.get("components", {}).get("schemas", {}))
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
