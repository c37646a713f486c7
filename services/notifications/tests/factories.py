"""Contract messages as the other services publish them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from shop_contracts.common import (
    Address,
    Client,
    ClientContact,
    DeliverySpec,
    InfoFieldValue,
    OrderLine,
)
from shop_contracts.envelope import Envelope, MessageBody
from shop_contracts.events import (
    DeliveredFile,
    DeliveryCompleted,
    DeliveryFilesReleased,
    DownloadLinksReissued,
    FreeDownloadReady,
    GalleryAccessGranted,
    Invoice,
    InvoiceIssued,
    InvoiceLine,
    InvoiceParty,
    OrderCancelled,
    OrderPlaced,
    OrderValidated,
    PaidLine,
    PaymentRequested,
    SelectionSent,
)

SELLER = "seller@example.com"
CLIENT = "ada@example.com"


def wrap(payload: MessageBody, order_id: uuid.UUID) -> tuple[Envelope, MessageBody]:
    return payload.envelope(correlation_id=order_id), payload


def order_placed(
    *,
    order_id: uuid.UUID | None = None,
    manual: bool = False,
    client_name: str = "Ada Client",
    note: str | None = "Please credit me",
    number: str = "2026-0042",
) -> OrderPlaced:
    order_id = order_id or uuid.uuid4()
    return OrderPlaced(
        order_id=order_id,
        number=number,
        placed_at=datetime(2026, 11, 27, 10, 30, tzinfo=UTC),
        client=Client(
            name=client_name,
            email=CLIENT,
            address=Address(line1="1 Rue X", city="Paris", postal_code="75001", country="FR"),
        ),
        lines=[
            OrderLine(
                line_id=uuid.uuid4(),
                media_id=uuid.uuid4(),
                media_title="Sunset over Lisbon",
                media_kind="image",
                media_key="lisbon.jpg",
                license_id=uuid.uuid4(),
                license_name="Web",
                price=2500,
                delivery=DeliverySpec(mode="long_edge", long_edge=2048),
            ),
            OrderLine(
                line_id=uuid.uuid4(),
                media_id=uuid.uuid4(),
                media_title="Waves",
                media_kind="video",
                media_key="waves.mp4",
                license_id=uuid.uuid4(),
                license_name="Editorial",
                price=2000,
                delivery=DeliverySpec(),
            ),
        ],
        total=4500,
        currency="EUR",
        note=note,
        manual_validation=manual,
        seller_email=SELLER,
        payment_url=f"http://pay.test/pay/{order_id}?token=tok",
        order_url=f"http://orders.test/orders/{order_id}?token=tok",
    )


def priced_order_placed(*, order_id: uuid.UUID | None = None, manual: bool = False) -> OrderPlaced:
    """An order of the pricing issue: a rights-managed line with its usage, a royalty-free
    line, a coupon spread over both, VAT at 20 %, a business buyer's VAT number, and the
    photographer's information fields. 150.00 + 25.00 = 175.00, -17.50 coupon, +31.50 tax
    = 189.00 EUR."""
    placed = order_placed(order_id=order_id, manual=manual)
    rm, rf = placed.lines
    lines = [
        rm.model_copy(
            update={
                "license_name": "Editorial RM",
                "price": 15000,
                "usage": {"Usage": "Magazine cover", "Size": "A3", "Territory": "Europe"},
                "discount": 1500,
                "profile_id": uuid.uuid4(),
            }
        ),
        rf.model_copy(update={"price": 2500, "discount": 250}),
    ]
    return placed.model_copy(
        update={
            "lines": lines,
            "subtotal": 17500,
            "discount": 1750,
            "tax": 3150,
            "total": 18900,
            "tax_rate": Decimal("20.0"),
            "vat_number": "FR40303265045",
            "coupon_code": "SPRING10",
            "fields": [
                InfoFieldValue(name="project", label="Project name", value="Lisbon guide"),
                InfoFieldValue(name="print_run", label="Print run", value="5000 copies"),
            ],
        }
    )


def invoice_issued(
    order_id: uuid.UUID, *, number: str = "INV-000007", total: int = 18900
) -> InvoiceIssued:
    return InvoiceIssued(
        invoice=Invoice(
            invoice_number=number,
            order_id=order_id,
            order_number="2026-0042",
            issued_at=datetime(2026, 11, 27, 10, 45, tzinfo=UTC),
            currency="EUR",
            seller=InvoiceParty(name="Ana Berg Photography", address_lines=["1 Rue Y"]),
            buyer=InvoiceParty(name="Ada Client", address_lines=["1 Rue X", "75001 Paris"]),
            lines=[InvoiceLine(description="Sunset over Lisbon, Web", price=17500, discount=1750)],
            subtotal=17500,
            discount=1750,
            tax=3150,
            total=total,
            tax_rate=Decimal("20.0"),
            coupon_code="SPRING10",
        ),
        client=ClientContact(name="Ada Client", email=CLIENT),
        order_url=f"http://orders.test/orders/{order_id}?token=tok",
    )


def order_validated(order_id: uuid.UUID | None = None) -> OrderValidated:
    order_id = order_id or uuid.uuid4()
    return OrderValidated(
        order_id=order_id,
        number="2026-0042",
        client=ClientContact(name="Ada Client", email=CLIENT),
        total=4500,
        currency="EUR",
        payment_url=f"http://pay.test/pay/{order_id}?token=tok&x=1",
    )


def order_cancelled(order_id: uuid.UUID | None = None) -> OrderCancelled:
    return OrderCancelled(
        order_id=order_id or uuid.uuid4(),
        number="2026-0042",
        client=ClientContact(name="Ada Client", email=CLIENT),
        reason="out of stock <really>",
    )


def delivery_completed(
    order_id: uuid.UUID | None = None,
    *,
    held_line_ids: list[uuid.UUID] | None = None,
    client_name: str = "Ada Client",
    forced: bool = True,
) -> DeliveryCompleted:
    """`forced` by default: sent at once. A paid order's (`forced=False`) waits for its
    invoice (test_invoices.py)."""
    order_id = order_id or uuid.uuid4()
    return DeliveryCompleted(
        order_id=order_id,
        number="2026-0042",
        client=ClientContact(name=client_name, email=CLIENT),
        downloads_url=f"http://delivery.test/orders/{order_id}/downloads?token=tok",
        files=[
            DeliveredFile(line_id=uuid.uuid4(), file_name="lisbon_web.jpg", size_bytes=1_234_567),
            DeliveredFile(line_id=uuid.uuid4(), file_name="waves.mp4", size_bytes=45_000_000),
        ],
        forced=forced,
        delivered_at=datetime(2026, 11, 27, 11, 0, tzinfo=UTC),
        expires_at=datetime(2026, 11, 27, 11, 0, tzinfo=UTC) + timedelta(days=30),
        held_line_ids=held_line_ids or [],
    )


def links_reissued(order_id: uuid.UUID | None = None) -> DownloadLinksReissued:
    order_id = order_id or uuid.uuid4()
    return DownloadLinksReissued(
        order_id=order_id,
        number="2026-0042",
        client=ClientContact(name="Ada Client", email=CLIENT),
        downloads_url=f"http://delivery.test/orders/{order_id}/downloads?token=tok2",
        files=[
            DeliveredFile(line_id=uuid.uuid4(), file_name="lisbon_web.jpg", size_bytes=1_234_567)
        ],
        expires_at=datetime(2027, 1, 26, 9, 0, tzinfo=UTC),
    )


def files_released(order_id: uuid.UUID | None = None) -> DeliveryFilesReleased:
    order_id = order_id or uuid.uuid4()
    return DeliveryFilesReleased(
        order_id=order_id,
        number="2026-0042",
        client=ClientContact(name="Ada Client", email=CLIENT),
        downloads_url=f"http://delivery.test/orders/{order_id}/downloads?token=tok",
        files=[
            DeliveredFile(
                line_id=uuid.uuid4(), file_name="harbour_final.tif", size_bytes=98_765_432
            )
        ],
    )


IBAN = "FR76 3000 6000 0112 3456 7890 189"
INSTRUCTIONS = f"Bank transfer to {IBAN} (BIC AGRIFRPP),\nquoting your order number."


def payment_requested(
    placed: OrderPlaced, how: str = "card", instructions: str | None = None
) -> PaymentRequested:
    """What payments publishes once the order's payment page is open."""
    return PaymentRequested(
        order_id=placed.order_id,
        number=placed.number,
        client=ClientContact(name=placed.client.name, email=placed.client.email),
        lines=[
            PaidLine(media_title=line.media_title, license_name=line.license_name, price=line.price)
            for line in placed.lines
        ],
        total=placed.total,
        currency=placed.currency,
        payment_url=placed.payment_url,
        subtotal=placed.subtotal,
        discount=placed.discount,
        tax=placed.tax,
        how=how,  # type: ignore[arg-type]
        instructions=instructions,
    )


# --- the catalog's messages (not about an order) ---------------------------------------------

CATALOG = "http://catalog.test"


def gallery_access_granted(email: str = CLIENT) -> GalleryAccessGranted:
    return GalleryAccessGranted(
        gallery_id=uuid.uuid4(),
        gallery_title="Wedding of Ada & Bo",
        client_email=email,
        access_url=f"{CATALOG}/g/ada-bo-wedding?access=signed.tok3n",
    )


def selection_sent(
    message: str | None = "Here are my favourites.\nTell me what you think!",
) -> SelectionSent:
    selection_id = uuid.uuid4()
    return SelectionSent(
        selection_id=selection_id,
        title="Lisbon at dawn",
        client_email=CLIENT,
        url=f"{CATALOG}/s/sel3ction-tok3n",
        message=message,
    )


def free_download_ready() -> FreeDownloadReady:
    grant_id = uuid.uuid4()
    return FreeDownloadReady(
        grant_id=grant_id,
        gallery_title="Press kit 2026",
        client_email=CLIENT,
        downloads_url=f"http://delivery.test/orders/{grant_id}/downloads?token=free",
        files=[
            DeliveredFile(line_id=uuid.uuid4(), file_name="press_01.jpg", size_bytes=2_345_678),
            DeliveredFile(line_id=uuid.uuid4(), file_name="press_02.jpg", size_bytes=3_456_789),
        ],
        expires_at=datetime(2027, 1, 10, 8, 0, tzinfo=UTC),
    )
