"""What the HTTP routes need, handed over by the composition root (the kernel's one way)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from shop_delivery.config import DeliverySettings
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.ports import Transaction
from shop_kernel.deps import context_dependency
from shop_platform.auth import bearer_is_admin
from shop_platform.errors import UnauthorizedError
from shop_web import Web


@dataclass(frozen=True)
class DeliveryContext:
    settings: DeliverySettings
    transaction: Transaction
    service: ServiceContext  # what the use cases need besides storage
    web: Web  # the shop's look: the download page, error pages


Ctx = Annotated[DeliveryContext, Depends(context_dependency(DeliveryContext))]


async def require_admin_token(request: Request, ctx: Ctx) -> None:
    """401 unless the request carries the admin bearer token."""
    if not bearer_is_admin(request, ctx.settings.admin_token):
        raise UnauthorizedError("admin authentication required (Authorization: Bearer)")
