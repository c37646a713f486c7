"""How a license delivers its file: the contract's `DeliverySpec` (events carry it)."""

from shop_contracts.common import DeliveryFormat, DeliveryMode, DeliverySpec

__all__ = ["DeliveryFormat", "DeliveryMode", "DeliverySpec"]
