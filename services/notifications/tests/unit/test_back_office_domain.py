"""The back office's emails (issue 14), rendered: each photographer of an order hears of
their own lines only; an invitation and a password reset carry their link and its expiry."""

from __future__ import annotations

from shop_notifications.domain.accounts import account_invited_emails, password_reset_emails
from shop_notifications.domain.emails import photographer_sale_emails
from shop_notifications.domain.model import SECRET_LINK_TEMPLATES, Template
from shop_notifications.mail.render import EmailRenderer

from ..agency import ANA, BO, account_invited, agency_order, password_reset_requested
from ..factories import order_placed

renderer = EmailRenderer(shop_name="Photo license shop")
ORDER_URL = "http://orders.test/admin/orders/7"


def test_each_photographer_gets_one_email_with_only_their_lines() -> None:
    ana, bo = photographer_sale_emails(agency_order(), admin_order_url=ORDER_URL)
    assert (ana.template, ana.to, bo.to) == (
        Template.ORDER_PLACED_PHOTOGRAPHER,
        ANA.email,
        BO.email,
    )
    assert ana.subject == "Order 2026-0042: your photos sold"
    assert bo.subject == "Order 2026-0042: your photos sold"
    ana_out = renderer.render(ana.template, ana.context)
    bo_out = renderer.render(bo.template, bo.context)
    for body in (ana_out.text, ana_out.html):
        for expected in ("Hello Ana Lima", "2026-0042", "Sunset over Lisbon", "Web", "25.00 EUR"):
            assert expected in body, expected
        assert "2.50 EUR" in body  # her line's share of the discount
        assert "22.50 EUR" in body  # her lines after discounts
        assert ORDER_URL in body
        for others in ("Waves", "Editorial", "Harbour at night", "Print", "30.00 EUR"):
            assert others not in body, others
        assert "ada@example.com" not in body  # the client's address is the shop's
    for body in (bo_out.text, bo_out.html):
        assert "Waves" in body
        assert "Editorial" in body
        assert "20.00 EUR" in body
        for others in ("Sunset over Lisbon", "Harbour at night", "25.00 EUR", "30.00 EUR"):
            assert others not in body, others
        assert "after discounts" not in body  # no discount on his line
    assert "One of your photos is in order 2026-0042" in ana_out.text


def test_no_photographer_email_for_the_owners_own_work_or_a_photographer_without_lines() -> None:
    assert photographer_sale_emails(order_placed(), admin_order_url=ORDER_URL) == []
    order = agency_order()
    only_ana = order.model_copy(update={"photographers": [ANA, ANA]})  # named twice: once
    assert [e.to for e in photographer_sale_emails(only_ana, admin_order_url=ORDER_URL)] == [
        ANA.email
    ]
    no_lines = order.model_copy(update={"lines": [order.lines[2]], "photographers": [ANA]})
    assert photographer_sale_emails(no_lines, admin_order_url=ORDER_URL) == []


def test_the_photographer_hears_when_the_order_awaits_validation() -> None:
    (ana, _) = photographer_sale_emails(agency_order(manual=True), admin_order_url=ORDER_URL)
    out = renderer.render(ana.template, ana.context)
    assert "validates this order" in out.text
    assert "validates this order" in out.html


def test_the_invitation_names_who_invited_the_role_the_link_and_its_expiry() -> None:
    event = account_invited(name="<b>Cleo</b>")
    (email,) = account_invited_emails(event)
    assert (email.template, email.to) == (Template.ACCOUNT_INVITED, "cleo@agency.example")
    assert email.subject == "Maria Owner invited you to the shop's back office"
    out = renderer.render(email.template, email.context)
    for body in (out.text, out.html):
        for expected in (
            "Maria Owner",
            "photographer",
            "your own media, galleries, price lists and sales",
            event.accept_url,
            "2026-12-09 08:00 UTC",
            "Photo license shop",
        ):
            assert expected in body, expected
    assert f'href="{event.accept_url}"' in out.html
    assert "&lt;b&gt;Cleo&lt;/b&gt;" in out.html
    assert "<b>Cleo</b>" not in out.html
    assert "order placed" not in out.html  # not the order emails' footer


def test_the_assistants_invitation_says_what_an_assistant_does() -> None:
    (email,) = account_invited_emails(account_invited(role="assistant"))
    out = renderer.render(email.template, email.context)
    assert "as assistant: reading orders" in out.text


def test_the_reset_email_has_the_link_its_expiry_and_says_to_ignore_it_if_not_asked() -> None:
    event = password_reset_requested()
    (email,) = password_reset_emails(event)
    assert (email.template, email.to, email.subject) == (
        Template.PASSWORD_RESET,
        "ana@agency.example",
        "Reset your password",
    )
    out = renderer.render(email.template, email.context)
    for body in (out.text, out.html):
        assert event.reset_url in body
        assert "2026-12-06 08:30 UTC" in body
        assert "If you did not ask, ignore this email" in body
        assert "Hello Ana Lima" in body
    assert f'href="{event.reset_url}"' in out.html


def test_the_account_emails_are_the_ones_with_secret_links_and_none_is_unvouched() -> None:
    assert {Template.ACCOUNT_INVITED, Template.PASSWORD_RESET} == SECRET_LINK_TEMPLATES
    for template in (*SECRET_LINK_TEMPLATES, Template.ORDER_PLACED_PHOTOGRAPHER):
        assert not template.kind.to_client
        assert not template.kind.unvouched
