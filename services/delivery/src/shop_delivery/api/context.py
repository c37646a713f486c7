"""What the HTTP routes need, handed over by the composition root (the kernel's one way)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from shop_delivery.config import DeliverySettings
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.ports import Transaction
from shop_kernel.deps import context_dependency
from shop_platform.auth import AdminAuth
from shop_web import Web


@dataclass(frozen=True)
class DeliveryContext:
    settings: DeliverySettings
    transaction: Transaction
    service: ServiceContext  # what the use cases need besides storage
    web: Web  # the shop's look: the download page, error pages
    auth: AdminAuth  # who is asking, for the admin API (the settings: the owner's)


Ctx = Annotated[DeliveryContext, Depends(context_dependency(DeliveryContext))]
