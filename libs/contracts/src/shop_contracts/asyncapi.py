"""Generate the AsyncAPI 2.6 document of the shop's messaging from the contracts.

`python -m shop_contracts.asyncapi [path]` writes it (JSON); `make asyncapi` calls this.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from shop_contracts.envelope import Envelope
from shop_contracts.registry import MESSAGE_TYPES
from shop_contracts.routing import (
    DEAD_LETTER_EXCHANGE,
    DELIVERY_LIMIT,
    PUBLISHERS,
    SUBSCRIPTIONS,
    exchange_for,
)


def _message(cls: Any) -> dict[str, Any]:
    envelope = Envelope.model_json_schema()
    envelope["properties"]["payload"] = {"$ref": f"#/components/schemas/{cls.__name__}"}
    envelope["properties"]["type"] = {"const": cls.TYPE}
    envelope["properties"]["version"] = {"const": cls.VERSION}
    return {
        "name": cls.TYPE,
        "title": cls.__name__,
        "summary": (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else cls.TYPE,
        "contentType": "application/json",
        "tags": [{"name": cls.KIND}],
        "payload": envelope,
        "bindings": {"amqp": {"deliveryMode": 2, "messageType": cls.TYPE}},
    }


def build_document() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for cls in MESSAGE_TYPES:
        schema = cls.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[cls.__name__] = schema
    channels: dict[str, Any] = {}
    for cls in MESSAGE_TYPES:
        publishers = [s for s, msgs in PUBLISHERS.items() if cls in msgs]
        consumers = [s.service for s in SUBSCRIPTIONS.values() if cls in s.messages]
        channels[cls.TYPE] = {
            "description": f"published by {', '.join(publishers)}; consumed by "
            f"{', '.join(consumers) or 'nobody yet'}",
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {"name": exchange_for(cls), "type": "topic", "durable": True},
                }
            },
            "subscribe": {"message": {"$ref": f"#/components/messages/{cls.__name__}"}},
        }
    queues = {
        s.queue: {
            "type": "quorum",
            "dead_letter_exchange": DEAD_LETTER_EXCHANGE,
            "dead_letter_queue": s.dead_letter_queue,
            "delivery_limit": DELIVERY_LIMIT,
            "bindings": [m.TYPE for m in s.messages],
        }
        for s in SUBSCRIPTIONS.values()
    }
    return {
        "asyncapi": "2.6.0",
        "info": {
            "title": "Photo license shop messaging",
            "version": "1.0.0",
            "description": "Events (facts) and commands exchanged by the orders, payments, "
            "delivery and notifications services. Every message is an Envelope whose "
            "`payload` follows the named schema; the AMQP message_id is the event_id.",
        },
        "defaultContentType": "application/json",
        "servers": {"local": {"url": "amqp://127.0.0.1:5672/", "protocol": "amqp"}},
        "channels": channels,
        "components": {
            "messages": {cls.__name__: _message(cls) for cls in MESSAGE_TYPES},
            "schemas": schemas,
        },
        "x-queues": queues,
    }


def main(argv: list[str]) -> None:
    text = json.dumps(build_document(), indent=2, sort_keys=False) + "\n"
    if len(argv) > 1:
        Path(argv[1]).write_text(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv)
