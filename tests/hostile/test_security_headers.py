"""Issue 17, item 8: every page carries the security headers; private pages are not cached;
/docs loads nothing from another host.

The probe: no CSP, no nosniff, no Referrer-Policy, no framing rule; admin, order and payment
pages had no `Cache-Control: no-store`; /docs loaded Swagger UI from a CDN, unpinned."""

from __future__ import annotations

import re

import pytest

from shop_devtools.config import SERVICES


def _directives(csp: str) -> dict[str, str]:
    parts = (p.strip().split(None, 1) for p in csp.split(";") if p.strip())
    return {p[0]: (p[1] if len(p) > 1 else "") for p in parts}


async def _pages(shop, delivered_order, placed_order) -> dict[str, tuple[str, bool]]:
    """name: (url, private): private pages must not be stored by any cache."""
    return {
        "storefront": (shop.url("catalog", "/"), False),
        "storefront search": (shop.url("catalog", "/search?q=lake"), False),
        "galleries API": (shop.url("catalog", "/api/galleries"), False),
        "orders home (redirect to the storefront)": (shop.url("orders", "/"), False),
        "catalog API (orders' read model)": (shop.url("orders", "/api/catalog"), False),
        "cart": (shop.url("orders", "/cart"), True),
        "media library": (shop.url("catalog", "/admin/media"), True),
        "galleries admin": (shop.url("catalog", "/admin/galleries"), True),
        "client order page": (
            shop.url(
                "orders",
                f"/orders/{delivered_order['id']}?token={delivered_order['access_token']}",
            ),
            True,
        ),
        "payment page": (shop.client.payment_page_url(placed_order), True),
        "download page": (shop.client.download_page_url(delivered_order), True),
        "admin login": (shop.url("orders", "/admin/login"), True),
        "orders admin": (shop.url("orders", "/admin"), True),
        "payments admin": (shop.url("payments", "/admin/settings"), True),
        "email log": (shop.url("notifications", "/admin/emails"), True),
        "order API": (shop.url("orders", f"/api/orders/{placed_order['id']}"), True),
        "orders docs": (shop.url("orders", "/docs"), False),
        "not found": (shop.url("delivery", "/no-such-page"), False),
    }


async def test_every_page_carries_the_security_headers(shop, delivered_order, placed_order):
    admin = await shop.admin_session()
    wrong = []
    try:
        for name, (url, private) in (await _pages(shop, delivered_order, placed_order)).items():
            response = await admin.get(url, follow_redirects=False)
            h = response.headers
            csp = _directives(h.get("content-security-policy", ""))
            if "'unsafe-inline'" in csp.get("script-src", "'unsafe-inline'"):
                wrong.append(f"{name}: script-src {csp.get('script-src')!r}")
            if csp.get("frame-ancestors") != "'none'":
                wrong.append(f"{name}: frame-ancestors {csp.get('frame-ancestors')!r}")
            if csp.get("object-src") != "'none'":
                wrong.append(f"{name}: object-src {csp.get('object-src')!r}")
            if h.get("x-content-type-options") != "nosniff":
                wrong.append(f"{name}: X-Content-Type-Options {h.get('x-content-type-options')}")
            if h.get("referrer-policy") != "no-referrer":
                wrong.append(f"{name}: Referrer-Policy {h.get('referrer-policy')}")
            if h.get("x-frame-options") != "DENY":
                wrong.append(f"{name}: X-Frame-Options {h.get('x-frame-options')}")
            if private and "no-store" not in h.get("cache-control", ""):
                wrong.append(f"{name}: Cache-Control {h.get('cache-control')!r}")
            if "strict-transport-security" in h:
                wrong.append(f"{name}: HSTS over plain http")
    finally:
        await admin.aclose()
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("service", SERVICES)
async def test_the_api_docs_load_only_the_shops_own_files(shop, service):
    docs = await shop.http.get(shop.url(service, "/docs"))
    assert docs.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert sources, docs.text[:300]
    foreign = [s for s in sources if "://" in s or s.startswith("//")]
    assert not foreign, f"/docs loads {foreign}"
    assert "<script>" not in docs.text, "an inline script: the CSP would block it"
    for source in sources:
        asset = await shop.http.get(shop.url(service, source))
        assert asset.status_code == 200, source
    assert (await shop.http.get(shop.url(service, "/redoc"))).status_code == 404
