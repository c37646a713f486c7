"""Reading pages like a browser; signing webhooks like Stripe."""

from __future__ import annotations

import hashlib
import hmac

from shop_devtools.client import stripe_signature
from shop_devtools.pages import parse_page

PAGE = """<html><head><style>.x{}</style></head><body>
<h1>Order 1042</h1><p>Pay by transfer: IBAN FR76&nbsp;3000</p>
<form method="post" action="checkout?token=abc">
  <input type="hidden" name="csrf" value="t0k">
  <input type="checkbox" name="news" value="1">
  <button type="submit" name="go" value="yes"> Secure
     payment </button>
</form>
<a href="/orders/1/downloads?token=abc">downloads</a>
<input type="submit" value="Loose">
</body></html>"""


def test_forms_buttons_links_and_text():
    page = parse_page("http://127.0.0.1:8002/pay/1?token=abc", 200, PAGE)
    form = page.form_with_button("Secure payment")
    assert form.action == "http://127.0.0.1:8002/pay/checkout?token=abc"
    assert form.method == "POST"
    assert form.fields == {"csrf": "t0k", "go": "yes"}
    assert page.has_button("secure payment")
    assert page.has_button("Loose")
    assert not page.has_button("Pay now")
    assert page.links == ["http://127.0.0.1:8002/orders/1/downloads?token=abc"]
    assert "IBAN FR76 3000" in page.text
    assert ".x" not in page.text


def test_stripe_signature_format():
    header = stripe_signature(b'{"a":1}', "whsec_x", timestamp=1700000000)
    t, v1 = header.split(",")
    assert t == "t=1700000000"
    expected = hmac.new(b"whsec_x", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    assert v1 == f"v1={expected}"
