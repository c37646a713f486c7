"""What the HTTP routes need, handed over by the composition root (the kernel's one way)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from shop_kernel.deps import context_dependency
from shop_notifications.config import NotificationsSettings
from shop_notifications.service.email_log import EmailLog
from shop_platform.auth import AdminAuth
from shop_web import Web


@dataclass(frozen=True)
class NotificationsContext:
    settings: NotificationsSettings
    email_log: Callable[[], AbstractAsyncContextManager[EmailLog]]  # one session's log
    auth: AdminAuth
    web: Web  # the shared look: admin layout, error pages

    @property
    def login_url(self) -> str:
        return f"{self.settings.orders_public_url.rstrip('/')}/admin/login"


Ctx = Annotated[NotificationsContext, Depends(context_dependency(NotificationsContext))]
