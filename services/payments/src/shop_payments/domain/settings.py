"""Payment settings: the card processors the payment page offers (in that order), the
photographer's offline methods (bank transfer, cheque...) and the general instructions shown
when there is neither."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from shop_payments.domain.errors import InvalidSettingsError

CardProcessorName = Literal["stripe", "paypal", "sandbox", "paypal_sandbox"]
CARD_PROCESSORS: tuple[str, ...] = get_args(CardProcessorName)
# The built-in processors that fake a real one: development and tests only.
SANDBOXES = frozenset({"sandbox", "paypal_sandbox"})
PROCESSOR_LABELS = {
    "stripe": "Stripe",
    "paypal": "PayPal",
    "sandbox": "Sandbox (test card payments)",
    "paypal_sandbox": "PayPal sandbox (test payments)",
}
# What the payment page's button for each processor reads.
PAY_BUTTONS = {
    "stripe": "Secure payment",
    "sandbox": "Secure payment",
    "paypal": "Pay with PayPal",
    "paypal_sandbox": "Pay with PayPal",
}
_NEEDS = {
    "stripe": "STRIPE_SECRET_KEY, which is not set",
    "paypal": "PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET, which are not set",
}
MAX_INSTRUCTIONS_LENGTH = 5000
MAX_OFFLINE_METHODS = 10
MAX_METHOD_NAME_LENGTH = 100
MAX_BUTTON_LABEL_LENGTH = 40
DEFAULT_BUTTON_LABEL = "Accept"


@dataclass(frozen=True)
class OfflineMethod:
    """A way to pay outside the shop: its name, what the client is told to do, and what the
    payment page's button for it reads."""

    name: str
    instructions: str
    button_label: str = DEFAULT_BUTTON_LABEL


@dataclass(frozen=True, init=False)
class PaymentSettings:
    """`card_processors` in the order the payment page shows them; `card_processor` (the
    setting before there could be several) is the first of them."""

    card_processors: tuple[CardProcessorName, ...]
    payment_instructions: str | None
    offline_methods: tuple[OfflineMethod, ...]

    def __init__(
        self,
        card_processors: Sequence[CardProcessorName] | CardProcessorName | None = (),
        payment_instructions: str | None = None,
        offline_methods: Sequence[OfflineMethod] = (),
    ) -> None:
        # one name (or None) as before: PaymentSettings("stripe", "Pay by ...")
        if card_processors is None:
            processors: tuple[CardProcessorName, ...] = ()
        elif isinstance(card_processors, str):
            processors = (card_processors,)
        else:
            processors = tuple(card_processors)
        object.__setattr__(self, "card_processors", processors)
        object.__setattr__(self, "payment_instructions", payment_instructions)
        object.__setattr__(self, "offline_methods", tuple(offline_methods))

    @property
    def card_processor(self) -> CardProcessorName | None:
        return self.card_processors[0] if self.card_processors else None


def initial_settings(*, stripe_configured: bool, development: bool) -> PaymentSettings:
    """Stripe when its key is set, else the sandbox in development, else no card processor."""
    if stripe_configured:
        return PaymentSettings("stripe", None)
    return PaymentSettings("sandbox" if development else None, None)


def _clean(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def _refuse_control_characters(text: str, field: str) -> None:
    """A NUL breaks PostgreSQL; other control characters have no place in a page or email.
    Tabs and line breaks are white space: kept in instructions, folded in one-line fields."""
    if any((ord(c) < 32 or ord(c) == 127) and c not in "\t\n\r" for c in text):
        raise InvalidSettingsError(f"{field} contains a control character", field=field)


def normalise_instructions(text: str | None, field: str = "payment_instructions") -> str | None:
    cleaned = _clean(text)
    _refuse_control_characters(cleaned, field)
    if len(cleaned) > MAX_INSTRUCTIONS_LENGTH:
        raise InvalidSettingsError(
            f"{field} is too long ({len(cleaned)} > {MAX_INSTRUCTIONS_LENGTH} characters)",
            field=field,
        )
    return cleaned or None


def _check_processors(
    names: Sequence[str], *, stripe_configured: bool, paypal_configured: bool, development: bool
) -> None:
    configured = {"stripe": stripe_configured, "paypal": paypal_configured}
    seen: set[str] = set()
    for name in names:
        if name not in CARD_PROCESSORS:
            raise InvalidSettingsError(
                f"card_processors: unknown processor {name!r} "
                f"(one of {', '.join(CARD_PROCESSORS)})",
                field="card_processors",
            )
        if name in seen:
            raise InvalidSettingsError(
                f"card_processors lists {name!r} twice", field="card_processors"
            )
        seen.add(name)
        if name in SANDBOXES and not development:
            raise InvalidSettingsError(
                f"card_processor {name!r} is for development and tests only "
                "(ENVIRONMENT=production)",
                field="card_processors",
            )
        if name in _NEEDS and not configured[name]:
            raise InvalidSettingsError(
                f"card_processor {name!r} needs {_NEEDS[name]} on the payments service",
                field="card_processors",
            )


def _check_method(index: int, method: OfflineMethod) -> OfflineMethod:
    at = f"offline_methods[{index}]"
    _refuse_control_characters(method.name, f"{at}.name")
    _refuse_control_characters(method.button_label, f"{at}.button_label")
    name = " ".join(method.name.split())
    if not name:
        raise InvalidSettingsError(f"{at}.name is empty", field=f"{at}.name")
    if len(name) > MAX_METHOD_NAME_LENGTH:
        raise InvalidSettingsError(
            f"{at}.name is too long ({len(name)} > {MAX_METHOD_NAME_LENGTH} characters)",
            field=f"{at}.name",
        )
    instructions = normalise_instructions(method.instructions, f"{at}.instructions")
    if instructions is None:
        raise InvalidSettingsError(
            f"{at}.instructions is empty: say how to pay by {name}", field=f"{at}.instructions"
        )
    label = " ".join(method.button_label.split()) or DEFAULT_BUTTON_LABEL
    if len(label) > MAX_BUTTON_LABEL_LENGTH:
        raise InvalidSettingsError(
            f"{at}.button_label is too long ({len(label)} > {MAX_BUTTON_LABEL_LENGTH} characters)",
            field=f"{at}.button_label",
        )
    return OfflineMethod(name, instructions, label)


def check_offline_methods(methods: Sequence[OfflineMethod]) -> tuple[OfflineMethod, ...]:
    """The methods as stored (names and labels on one line, instructions trimmed), or
    InvalidSettingsError naming the field at fault (`offline_methods[1].name`...)."""
    if len(methods) > MAX_OFFLINE_METHODS:
        raise InvalidSettingsError(
            f"offline_methods: at most {MAX_OFFLINE_METHODS} methods ({len(methods)} given)",
            field="offline_methods",
        )
    checked = tuple(_check_method(i, method) for i, method in enumerate(methods))
    names: set[str] = set()
    for i, method in enumerate(checked):
        if method.name.casefold() in names:
            raise InvalidSettingsError(
                f"offline_methods[{i}].name: {method.name!r} is already the name of another method",
                field=f"offline_methods[{i}].name",
            )
        names.add(method.name.casefold())
    return checked


def check_settings(
    settings: PaymentSettings,
    *,
    stripe_configured: bool,
    development: bool,
    paypal_configured: bool = False,
) -> PaymentSettings:
    """The settings as they will be stored, or InvalidSettingsError naming the problem."""
    _check_processors(
        settings.card_processors,
        stripe_configured=stripe_configured,
        paypal_configured=paypal_configured,
        development=development,
    )
    return PaymentSettings(
        settings.card_processors,
        normalise_instructions(settings.payment_instructions),
        check_offline_methods(settings.offline_methods),
    )
