"""Facts from payments, delivery and notifications, ruled for every state an order can be in.

A `Fact` lists, state by state, what it does to an order: the state after, the history notes
it appends and the downloads url it sets. A state it has no `Effect` for is one where the fact
is already applied (a paid order is not paid again): a no-op. That table is the guard; the
`Order` entity applies it in memory and the repository in one guarded `UPDATE`, so both obey
the same rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from shop_orders.domain.status import (
    EVERY_STATE,
    DeliveryStatus,
    OrderState,
    OrderStatus,
    PaymentStatus,
)


@dataclass(frozen=True, slots=True)
class Note:
    """A history entry still to be dated."""

    kind: str
    detail: str
    actor: str


@dataclass(frozen=True, slots=True)
class Effect:
    """What a fact does to an order that is in state `before`."""

    before: OrderState
    after: OrderState
    notes: tuple[Note, ...]
    downloads_url: str | None = None  # replaces the order's; None keeps it


@dataclass(frozen=True, slots=True)
class Fact:
    type: str  # the message type it comes from, for logs
    effects: tuple[Effect, ...]  # at most one per state

    def effect_on(self, state: OrderState) -> Effect | None:
        """The effect on an order in `state`; None when the fact is already applied there."""
        return next((effect for effect in self.effects if effect.before == state), None)

    @property
    def allowed_states(self) -> frozenset[OrderState]:
        """The states in which the fact changes the order (the transition's guard)."""
        return frozenset(effect.before for effect in self.effects)


def _ruled(type_: str, rule: Callable[[OrderState], Effect | None]) -> Fact:
    return Fact(type_, tuple(e for e in map(rule, EVERY_STATE) if e is not None))


def _note_only(type_: str, note: Note, url: Callable[[OrderState], str | None]) -> Fact:
    return _ruled(type_, lambda s: Effect(s, s, (note,), url(s)))


def payment_confirmed(method: str) -> Fact:
    """Paid once: a cancelled order stays cancelled, a delivered one stays delivered."""

    def rule(state: OrderState) -> Effect | None:
        if state.payment_status.was_paid:  # refunded since counts: paid once
            return None
        detail, status = f"paid ({method})", OrderStatus.PAID
        if state.status is OrderStatus.CANCELLED:
            detail, status = f"{detail} after cancellation", state.status
        elif state.status is OrderStatus.DELIVERED:
            status = state.status
        after = replace(state, status=status, payment_status=PaymentStatus.PAID)
        return Effect(state, after, (Note("paid", detail, "payments"),))

    return _ruled("payment.confirmed", rule)


def delivery_completed(downloads_url: str, *, forced: bool, held: int = 0) -> Fact:
    """Delivered once (`held`: Proof files kept back until Final); a cancelled order stays
    cancelled."""

    def rule(state: OrderState) -> Effect | None:
        if state.delivery_status is DeliveryStatus.DELIVERED:
            return None
        detail, status = ("delivered (forced)" if forced else "delivered"), OrderStatus.DELIVERED
        if state.status is OrderStatus.CANCELLED:
            detail, status = f"{detail} after cancellation", state.status
        notes = [Note("delivered", detail, "delivery")]
        if held:
            files = "proof file" if held == 1 else "proof files"
            notes.append(Note("files_held", f"{held} {files} held until Final", "delivery"))
        after = replace(state, status=status, delivery_status=DeliveryStatus.DELIVERED)
        return Effect(state, after, tuple(notes), downloads_url)

    return _ruled("delivery.completed", rule)


def _if_delivered(downloads_url: str) -> Callable[[OrderState], str | None]:
    return lambda s: downloads_url if s.delivery_status is DeliveryStatus.DELIVERED else None


def links_reissued(downloads_url: str, files: int) -> Fact:
    note = Note("links_reissued", f"download links re-issued ({files} files)", "delivery")
    return _note_only("delivery.links_reissued", note, _if_delivered(downloads_url))


def files_released(downloads_url: str, files: int) -> Fact:
    what = "1 file" if files == 1 else f"{files} files"
    note = Note("files_released", f"{what} released once marked Final", "delivery")
    return _note_only("delivery.files_released", note, _if_delivered(downloads_url))


def payment_failed(reason: str) -> Fact:
    note = Note("payment_failed", f"payment failed: {reason}", "payments")
    return _note_only("payment.failed", note, lambda _: None)


def delivery_failed(reason: str) -> Fact:
    note = Note("delivery_failed", f"delivery failed: {reason}", "delivery")
    return _note_only("delivery.failed", note, lambda _: None)


def email_sent(subject: str, to: str) -> Note:
    """Only a history entry: it neither changes nor touches the order."""
    return Note("email_sent", f"email sent: {subject} → {to}", "notifications")


def offline_chosen(method_name: str) -> Note:
    """The client picked one of the photographer's offline methods: a history entry only
    (nothing is delivered until Mark as paid)."""
    return Note("offline_chosen", f"Client chose {method_name} (offline)", "client")
