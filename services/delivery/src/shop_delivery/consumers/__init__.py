"""The delivery consumer: one handler per message type, each a use-case call."""

from shop_delivery.consumers.handlers import build_router

__all__ = ["build_router"]
