"""The admin order page's after-sale forms (issue 13): a refund (amount, lines whose files
are revoked, reason), the Refund button of money owed back (`refund_due`), and a paid
order's cancellation asking refund or keep (with a reason).

Same rules as the page's buttons: the admin cookie (else the login form) and the form's
CSRF token checked with its origin; what happened travels back as `?done=` / `?refused=`
codes, never free text. Included in `admin_pages.router` before its `/{action}` route.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from shop_orders.api.admin_access import PageOrdersManage
from shop_orders.api.admin_web import checked_form, not_found, redirect
from shop_orders.api.context import Ctx
from shop_orders.api.pricing_forms import FormProblem, amount_text, parse_amount, text
from shop_orders.domain.errors import FieldError, IllegalTransitionError, OrderNotFoundError
from shop_orders.domain.order import AdminAction, Order
from shop_orders.domain.refunds import AfterPayment, money
from shop_orders.service import commands, refunds
from shop_orders.service.admin_view import AdminOrderView
from shop_platform.text import text_problem

router = APIRouter()

DONE = {
    "refund": "Refund requested: the payment service gives the money back; the history "
    "says when it is done.",
    "cancel-refund": "Order cancelled: a refund of everything paid was requested.",
    "cancel-keep": "Order cancelled: the payment is kept (the reason is in the history).",
}


def _refused(order: Order, code: str) -> str | None:
    left = money(order.refundable, order.currency)
    sentences = {
        "refund": "Could not refund: "
        + (
            "nothing paid is left to refund."
            if order.refundable == 0
            else f"the amount is more than what is left to refund ({left})."
        ),
        "refund-amount": f"Could not refund: write an amount up to {left}, or leave the "
        "amount empty to refund all that is left.",
        "refund-line": "Could not refund: a line chosen is not in this order.",
        "cancel-choice": "Could not cancel: the order is paid. Choose whether the client is "
        "refunded or the money is kept.",
        "cancel-reason": "Could not cancel: say why the money is kept.",
        "reason-text": "The reason contains a character that cannot be stored (a control "
        "character): type it again.",
    }
    return sentences.get(code)


def after_sale_context(
    view: AdminOrderView, done: str, refused: str, *, manage: bool = True
) -> dict[str, Any]:
    """The page's after-sale part: what the forms need, and what the last one did (only
    its own `done`/`refused` codes: the buttons' are said by the page). While a refund is
    on its way the page updates itself (shop.js asks the state route) until payments
    answers, unless a button's request already does. Without `manage` (a role that cannot
    refund or cancel: issue 14) the forms are left out."""
    order = view.order
    watch = None
    if order.refund_pending and not view.pending:
        watch = f"/admin/orders/{order.id}/state?known={quote(view.state)}"
    context: dict[str, Any] = {
        "after_sale": {
            "refund_due": order.refund_due,
            "refund_form": manage
            and order.is_paid
            and order.refundable > 0
            and not order.refund_due,
            "cancel_choice": manage
            and order.holds_payment
            and order.refusal(AdminAction.CANCEL) is None,
            "refundable": order.refundable,
            "refundable_text": amount_text(order.refundable, order.currency),
            "refunded": order.refunded,
            "pending": order.refund_pending,
            "watch_url": watch,
        }
    }
    if done in DONE:
        context["message"] = DONE[done]
    if (error := _refused(order, refused)) is not None:
        context["error"] = error
    return context


def _line_ids(form: FormData) -> list[uuid.UUID] | None:
    try:
        return [uuid.UUID(str(value)) for value in form.getlist("line_ids")]
    except ValueError:
        return None


@router.post("/orders/{order_id}/refund")
async def refund(
    request: Request, ctx: Ctx, who: PageOrdersManage, order_id: uuid.UUID
) -> Response:
    """Amount empty: all that is left (the refund_due button sends none)."""
    form = await checked_form(request, ctx)
    back = f"/admin/orders/{order_id}"
    line_ids = _line_ids(form)
    if line_ids is None:
        return redirect(f"{back}?refused=refund-line")
    try:
        reason = _reason(form)
    except FormProblem:
        return redirect(f"{back}?refused=reason-text")
    try:
        async with ctx.transaction() as repos:
            order = await repos.orders.get(order_id)
            if order is None:
                raise OrderNotFoundError(f"no order {order_id}")
            typed = text(form, "amount")
            amount = parse_amount(typed, order.currency) if typed else None
            if amount == 0:
                raise FormProblem("a refund is of a positive amount")
            await refunds.request_refund(
                repos, order_id, amount=amount, line_ids=line_ids, reason=reason, actor=who.label
            )
    except OrderNotFoundError:
        return await not_found(request, ctx, "No such order.")
    except FormProblem:
        return redirect(f"{back}?refused=refund-amount")
    except FieldError as exc:
        return redirect(f"{back}?refused=refund-{'line' if exc.field == 'line_ids' else 'amount'}")
    except IllegalTransitionError:
        return redirect(f"{back}?refused=refund")
    return redirect(f"{back}?done=refund")


@router.post("/orders/{order_id}/cancel")
async def cancel(
    request: Request, ctx: Ctx, who: PageOrdersManage, order_id: uuid.UUID
) -> Response:
    """The Cancel button; a paid order's form also says refund or keep, and why."""
    form = await checked_form(request, ctx)
    back = f"/admin/orders/{order_id}"
    chosen = text(form, "after_payment")
    after_payment = AfterPayment(chosen) if chosen in set(AfterPayment) else None
    try:
        reason = _reason(form)
    except FormProblem:
        return redirect(f"{back}?refused=reason-text")
    try:
        async with ctx.transaction() as repos:
            order = await commands.cancel_order(
                repos, order_id, reason=reason, after_payment=after_payment, actor=who.label
            )
    except OrderNotFoundError:
        return await not_found(request, ctx, "No such order.")
    except IllegalTransitionError:
        return redirect(f"{back}?refused=cancel")
    except FieldError as exc:
        return redirect(f"{back}?refused=cancel-{'reason' if exc.field == 'reason' else 'choice'}")
    paid = order.is_paid and after_payment is not None
    done = f"cancel-{after_payment.value}" if paid and after_payment else "cancel"
    return redirect(f"{back}?done={done}")


def _reason(form: FormData) -> str | None:
    """The photographer's reason, as typed (up to 1000 characters); a control character (a
    NUL breaks PostgreSQL) is refused."""
    reason = text(form, "reason")[:1000]
    if text_problem(reason, multiline=True) is not None:
        raise FormProblem("the reason contains a control character")
    return reason or None
