"""Contract messages built from the domain order: what orders puts in its outbox."""

from __future__ import annotations

from datetime import UTC, datetime

from shop_contracts.commands import ForceDelivery, MarkOrderPaid, ReissueDownloadLinks
from shop_contracts.common import (
    Address,
    Client,
    ClientContact,
    DeliverySpec,
    GalleryMember,
    OrderLine,
    PhotographerContact,
)
from shop_contracts.envelope import Envelope
from shop_contracts.events import OrderCancelled, OrderPlaced, OrderValidated
from shop_orders.domain.agency import photographers_of
from shop_orders.domain.catalog import ShopSettings
from shop_orders.domain.order import Order
from shop_orders.service.links import Links


def client_of(order: Order) -> Client:
    c = order.customer
    a = c.address
    address = Address(
        line1=a.line1,
        line2=a.line2,
        city=a.city,
        postal_code=a.postal_code,
        country=a.country,
        region=a.region,
    )
    return Client(name=c.name, email=c.email, address=address)


def contact_of(order: Order) -> ClientContact:
    return ClientContact(name=order.customer.name, email=order.customer.email)


def order_placed(order: Order, settings: ShopSettings, links: Links) -> Envelope:
    lines = [
        OrderLine(
            line_id=line.id,
            media_id=line.media_id,
            media_title=line.media_title,
            media_kind=line.media_kind,
            media_key=line.media_key,
            license_id=line.license_id,
            license_name=line.license_name,
            price=line.price,
            delivery=DeliverySpec.model_validate(line.delivery),
            media_status=line.media_status,
            media_created_at=line.media_created_at,
            media_updated_at=line.media_updated_at,
            credit=line.credit,
            usage_terms=line.usage_terms,
            gallery_id=line.gallery_id,
            members=[GalleryMember.model_validate(member) for member in line.members],
            profile_id=line.profile_id,
            usage=dict(line.usage) if line.usage is not None else None,
            discount=line.discount,
            service=line.service,
            offline_delivery=line.offline_delivery,
            photographer_id=line.photographer_id,
        )
        for line in order.lines
    ]
    return OrderPlaced(
        order_id=order.id,
        number=order.number,
        placed_at=order.created_at.astimezone(UTC),
        client=client_of(order),
        lines=lines,
        total=order.total,
        currency=order.currency,
        note=order.note,
        manual_validation=order.manual_validation,
        seller_email=settings.seller_email,
        payment_url=links.payment_url(order.id),
        order_url=links.order_url(order.id),
        terms_text=settings.terms_text,
        subtotal=order.subtotal,
        discount=order.discount,
        tax=order.tax,
        tax_rate=order.tax_rate,
        prices_include_tax=order.prices_include_tax,
        reverse_charge=order.reverse_charge,
        vat_number=order.vat_number,
        coupon_code=order.coupon_code,
        fields=list(order.fields),
        photographers=[
            PhotographerContact(photographer_id=p.id, name=p.name, email=p.email)
            for p in photographers_of(order.lines)
        ],
    ).envelope(correlation_id=order.id, occurred_at=order.created_at)


def order_validated(order: Order, links: Links, now: datetime) -> Envelope:
    return OrderValidated(
        order_id=order.id,
        number=order.number,
        client=contact_of(order),
        total=order.total,
        currency=order.currency,
        payment_url=links.payment_url(order.id),
    ).envelope(correlation_id=order.id, occurred_at=now)


def order_cancelled(order: Order, now: datetime, reason: str | None = None) -> Envelope:
    return OrderCancelled(
        order_id=order.id, number=order.number, client=contact_of(order), reason=reason
    ).envelope(correlation_id=order.id, occurred_at=now)


MAX_REQUESTED_BY = 200  # what payments and delivery keep of a command's `requested_by`


def requested_by(actor: str) -> str:
    """The person behind a command as the other services record it (`Principal.label` may
    run to 500 characters: a name and an email; payments keeps 200)."""
    return actor if len(actor) <= MAX_REQUESTED_BY else actor[: MAX_REQUESTED_BY - 1] + "…"


def mark_order_paid(order: Order, now: datetime, actor: str) -> Envelope:
    return MarkOrderPaid(
        order_id=order.id,
        amount=order.total,
        currency=order.currency,
        requested_by=requested_by(actor),
    ).envelope(correlation_id=order.id, occurred_at=now)


def force_delivery(order: Order, now: datetime, actor: str) -> Envelope:
    return ForceDelivery(order_id=order.id, requested_by=requested_by(actor)).envelope(
        correlation_id=order.id, occurred_at=now
    )


def reissue_links(order: Order, now: datetime, actor: str) -> Envelope:
    return ReissueDownloadLinks(order_id=order.id, requested_by=requested_by(actor)).envelope(
        correlation_id=order.id, occurred_at=now
    )
