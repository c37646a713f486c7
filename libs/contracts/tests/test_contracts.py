"""The contracts say what goes on the wire: check the envelope, validation and routing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from shop_contracts import (
    MESSAGE_TYPES,
    Envelope,
    ForceDelivery,
    OrderPlaced,
    PaymentConfirmed,
    UnknownMessageError,
    parse_payload,
)
from shop_contracts.asyncapi import build_document
from shop_contracts.common import Address, DeliverySpec
from shop_contracts.routing import (
    COMMANDS_EXCHANGE,
    EVENTS_EXCHANGE,
    PUBLISHERS,
    SUBSCRIPTIONS,
    exchange_for,
)


def test_envelope_carries_identity_correlation_and_payload() -> None:
    order_id = uuid.uuid4()
    body = ForceDelivery(order_id=order_id)
    envelope = body.envelope(correlation_id=order_id)
    assert envelope.type == "delivery.force"
    assert envelope.version == 1
    assert envelope.correlation_id == order_id
    assert envelope.occurred_at.tzinfo is not None
    assert parse_payload(envelope) == body
    again = Envelope.model_validate_json(envelope.model_dump_json())
    assert again == envelope


def test_naive_times_and_bad_currencies_are_refused() -> None:
    with pytest.raises(ValidationError, match="occurred_at"):
        Envelope(
            type="delivery.force",
            version=1,
            occurred_at=datetime(2026, 1, 1),
            correlation_id=uuid.uuid4(),
            payload={},
        )
    with pytest.raises(ValidationError, match="currency"):
        PaymentConfirmed(
            order_id=uuid.uuid4(),
            payment_id=uuid.uuid4(),
            method="card",
            amount=100,
            currency="eur",
            paid_at=datetime.now(UTC),
        )


def test_unknown_type_or_version_is_an_error_naming_it() -> None:
    envelope = Envelope(
        type="order.exploded",
        version=1,
        occurred_at=datetime.now(UTC),
        correlation_id=uuid.uuid4(),
        payload={},
    )
    with pytest.raises(UnknownMessageError, match=r"order\.exploded"):
        parse_payload(envelope)


def test_delivery_spec_requires_the_fields_of_its_mode() -> None:
    assert DeliverySpec(mode="long_edge", long_edge=1024).long_edge == 1024
    with pytest.raises(ValidationError, match="needs long_edge"):
        DeliverySpec(mode="long_edge")
    with pytest.raises(ValidationError, match="needs width, height"):
        DeliverySpec(mode="fit")


def test_address_country_is_iso_alpha_2() -> None:
    with pytest.raises(ValidationError, match="country"):
        Address(line1="1 Rue X", city="Paris", postal_code="75001", country="France")


def test_every_message_is_published_by_one_service_and_routed_by_its_kind() -> None:
    for message in MESSAGE_TYPES:
        publishers = [s for s, msgs in PUBLISHERS.items() if message in msgs]
        assert len(publishers) == 1, message.TYPE
        expected = COMMANDS_EXCHANGE if message.KIND == "command" else EVENTS_EXCHANGE
        assert exchange_for(message) == expected
    assert OrderPlaced in SUBSCRIPTIONS["delivery"].messages
    assert SUBSCRIPTIONS["orders"].dead_letter_queue == "shop.orders.dlq"


def test_asyncapi_document_lists_every_message_and_queue() -> None:
    doc = build_document()
    assert doc["asyncapi"].startswith("2.")
    assert set(doc["channels"]) == {m.TYPE for m in MESSAGE_TYPES}
    placed = doc["channels"]["order.placed"]
    assert placed["bindings"]["amqp"]["exchange"]["name"] == EVENTS_EXCHANGE
    assert "OrderLine" in doc["components"]["schemas"]
    assert doc["x-queues"]["shop.delivery"]["dead_letter_queue"] == "shop.delivery.dlq"
