"""The shop's branding rules (domain.branding): an accent colour must stay readable."""

from __future__ import annotations

import pytest

from shop_orders.domain.branding import colour_problem, contrast, logo_problem, phone_problem


def test_contrast_is_wcag_s() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("colour", ["#2451b7", "#1F4E8C", "#000000", "#b42318"])
def test_a_dark_enough_accent_is_accepted(colour: str) -> None:
    assert colour_problem(colour) is None


@pytest.mark.parametrize(
    ("colour", "problem"),
    [
        ("#ffff00", "too light"),
        ("#8a8a8a", "too light"),  # 3.4:1 on white
        ("#12345", "#rrggbb"),
        ("blue", "#rrggbb"),
        ("#12345g", "#rrggbb"),
    ],
)
def test_an_unreadable_or_malformed_accent_is_refused(colour: str, problem: str) -> None:
    said = colour_problem(colour)
    assert said is not None
    assert problem in said


def test_phone_numbers_and_logo_addresses() -> None:
    assert phone_problem("+33 1 23 45 67 89") is None
    assert phone_problem("(555) 010-9999") is None
    assert phone_problem("call me") is not None
    assert phone_problem("+1") is not None, "at least three digits"
    assert logo_problem("https://studio.example/logo.png") is None
    assert logo_problem("/static/logo.svg") is None
    for bad in ("javascript:alert(1)", "//evil.example/x.png", 'https://x/"onerror=1', "logo"):
        assert logo_problem(bad) is not None, bad
