"""The order information fields (issue 12): definitions, and the client's answers checked."""

from __future__ import annotations

import pytest

from shop_orders.domain.errors import FieldError, InvalidOrderError
from shop_orders.domain.order_fields import OrderField, check_definitions, validate

DEFINITIONS = [
    OrderField("project", "Project name", "text", required=True, max_length=20),
    OrderField("brief", "How will you use it?", "long_text"),
    OrderField("sector", "Sector", "choice", choices=("Press", "Advertising")),
    OrderField("accept", "I accept the terms", "checkbox", required=True),
    OrderField("newsletter", "Send me news", "checkbox"),
]


def test_answers_are_kept_in_the_definitions_order_with_their_labels() -> None:
    values = validate(
        DEFINITIONS,
        {
            "newsletter": "false",
            "accept": "true",
            "sector": "Press",
            "brief": "  Line one\r\nline two  ",
            "project": " Spring campaign ",
        },
    )
    assert [(v.name, v.label, v.value) for v in values] == [
        ("project", "Project name", "Spring campaign"),
        ("brief", "How will you use it?", "Line one\nline two"),
        ("sector", "Sector", "Press"),
        ("accept", "I accept the terms", "true"),
        ("newsletter", "Send me news", "false"),
    ]


def test_optional_answers_left_out_are_not_kept_and_a_checkbox_left_out_is_false() -> None:
    values = validate(DEFINITIONS, {"project": "X", "accept": "on", "brief": "   "})
    assert [(v.name, v.value) for v in values] == [
        ("project", "X"),
        ("accept", "true"),
        ("newsletter", "false"),
    ]
    assert validate([], None) == []
    assert [v.value for v in validate(DEFINITIONS, {"project": "X", "accept": True})][1] == "true"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"project": "X", "accept": "true", "colour": "red"}, "fields.colour"),
        ({"accept": "true"}, "fields.project"),
        ({"project": "   ", "accept": "true"}, "fields.project"),
        ({"project": "X" * 21, "accept": "true"}, "fields.project"),
        ({"project": "two\nlines", "accept": "true"}, "fields.project"),
        ({"project": "bell\x07", "accept": "true"}, "fields.project"),
        ({"project": "X", "accept": "true", "sector": "Cinema"}, "fields.sector"),
        ({"project": "X", "accept": "true", "sector": "press"}, "fields.sector"),
        ({"project": "X"}, "fields.accept"),
        ({"project": "X", "accept": "false"}, "fields.accept"),
        ({"project": "X", "accept": "maybe"}, "fields.accept"),
        ({"project": "X", "accept": "true", "newsletter": "perhaps"}, "fields.newsletter"),
        ({"project": 12, "accept": "true"}, "fields.project"),
        ({"project": "X", "accept": "true", "brief": "x" * 10_001}, "fields.brief"),
        ({"project": "X", "accept": "true", "brief": "nul\x00"}, "fields.brief"),
        ({"project": "lone \ud800", "accept": "true"}, "fields.project"),
        ({"project": "X", "accept": "true", "\ud800": "x"}, "fields.\\ud800"),
    ],
)
def test_refusals_name_the_field(values: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidOrderError) as refused:
        validate(DEFINITIONS, values)
    assert refused.value.field == field


def test_invisible_format_characters_are_dropped_and_tabs_kept_in_long_text() -> None:
    values = validate(
        DEFINITIONS, {"project": "Spring\u202e", "accept": "true", "brief": "a\tb\nc"}
    )
    assert [v.value for v in values][:2] == ["Spring", "a\tb\nc"]


def test_definitions_are_checked() -> None:
    check_definitions(DEFINITIONS)
    for fields, field in [
        ([OrderField("Name", "X", "text")], "0.name"),
        ([OrderField("a", "X", "text"), OrderField("a", "Y", "text")], "1.name"),
        ([OrderField("a", "", "text")], "0.label"),
        ([OrderField("a", "bad \ud800", "text")], "0.label"),
        ([OrderField("a", "X", "choice", choices=("ok", "nul\x00"))], "0.choices"),
        ([OrderField("a", "X", "choice")], "0.choices"),
        ([OrderField("a", "X", "text", choices=("x",))], "0.choices"),
        ([OrderField("a", "X", "checkbox", max_length=3)], "0.max_length"),
        ([OrderField("a", "X", "long_text", max_length=10_001)], "0.max_length"),
        ([OrderField(f"f{i}", "X", "text") for i in range(31)], "fields"),
    ]:
        with pytest.raises(FieldError) as refused:
            check_definitions(fields)
        assert refused.value.field == field
