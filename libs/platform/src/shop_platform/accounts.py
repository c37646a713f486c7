"""Who may do what in the admin: roles, permissions and the person asking (issue 14).

One table, `GRANTS`, says which role holds which permission; every admin route of every
service names the one permission it needs (`shop_platform.auth.require_api` /
`require_page`). In an agency, a photographer's permissions reach only their own data:
`Principal.photographer_scope` is the photographer every query must be narrowed to
(None: the whole shop), and data of another photographer answers 404, as if it did not
exist, so ids cannot be probed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal


class Role(StrEnum):
    OWNER = "owner"  # everything: money, settings, people
    PHOTOGRAPHER = "photographer"  # their own media, galleries, price lists and sales
    ASSISTANT = "assistant"  # reads orders and the shop's records, prepares quotes


class Permission(StrEnum):
    ORDERS_READ = "orders.read"  # orders, search, exports, the dashboard (scoped)
    ORDERS_MANAGE = "orders.manage"  # validate, mark paid, force delivery, cancel, refund, links
    QUOTES = "quotes"  # prepare and send quotations
    CATALOG_READ = "catalog.read"  # media, galleries, price lists, selections (scoped)
    CATALOG_MANAGE = "catalog.manage"  # upload, edit, delete them (scoped)
    RECORDS_READ = "records.read"  # shop-wide records: email log, payments, system page
    SETTINGS = "settings"  # shop, tax, coupons, fields, invoices, payments, delivery, catalog
    ACCOUNTS = "accounts"  # people: invite, change roles, disable, unlock
    OWN_ACCOUNT = "own_account"  # one's own password, API tokens, sessions


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.PHOTOGRAPHER: frozenset(
        {
            Permission.ORDERS_READ,
            Permission.CATALOG_READ,
            Permission.CATALOG_MANAGE,
            Permission.OWN_ACCOUNT,
        }
    ),
    Role.ASSISTANT: frozenset(
        {
            Permission.ORDERS_READ,
            Permission.QUOTES,
            Permission.CATALOG_READ,
            Permission.RECORDS_READ,
            Permission.OWN_ACCOUNT,
        }
    ),
}

# Said in a 403, after "your role (...) cannot ": what the permission allows.
DOING: dict[Permission, str] = {
    Permission.ORDERS_READ: "read orders",
    Permission.ORDERS_MANAGE: "validate, mark paid, deliver, cancel or refund orders",
    Permission.QUOTES: "prepare quotations",
    Permission.CATALOG_READ: "read the catalog",
    Permission.CATALOG_MANAGE: "change the catalog",
    Permission.RECORDS_READ: "read the shop's records",
    Permission.SETTINGS: "change the shop's settings",
    Permission.ACCOUNTS: "manage people's accounts",
    Permission.OWN_ACCOUNT: "manage an account",
}

Via = Literal["bootstrap", "session", "token"]
BOOTSTRAP_NAME = "Owner (ADMIN_TOKEN)"


@dataclass(frozen=True)
class Principal:
    """The person (or script) asking. `account_id` None: the bootstrap owner, who signs in
    with `ADMIN_TOKEN` (the first login of a fresh shop, and scripts until tokens exist)."""

    account_id: uuid.UUID | None
    name: str
    email: str | None
    role: Role
    via: Via
    session_id: str | None = None  # the admin session behind a cookie login

    def can(self, permission: Permission) -> bool:
        return permission in GRANTS[self.role]

    @property
    def photographer_scope(self) -> uuid.UUID | None:
        """The only photographer whose data this person may see or change; None: all."""
        return self.account_id if self.role is Role.PHOTOGRAPHER else None

    def owns(self, photographer_id: uuid.UUID | None) -> bool:
        """May this person see data owned by `photographer_id` (None: the shop owner's)?"""
        scope = self.photographer_scope
        return scope is None or scope == photographer_id

    @property
    def label(self) -> str:
        """How the order history's "by" names this person."""
        return f"{self.name} <{self.email}>" if self.email else self.name

    def to_json(self) -> dict[str, Any]:
        return {
            "account_id": str(self.account_id) if self.account_id else None,
            "name": self.name,
            "email": self.email,
            "role": self.role.value,
            "via": self.via,
            "session_id": self.session_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Principal:
        account_id = data.get("account_id")
        return cls(
            account_id=uuid.UUID(account_id) if account_id else None,
            name=str(data["name"]),
            email=data.get("email"),
            role=Role(data["role"]),
            via=data["via"],
            session_id=data.get("session_id"),
        )


def bootstrap_owner(via: Via = "bootstrap", session_id: str | None = None) -> Principal:
    return Principal(None, BOOTSTRAP_NAME, None, Role.OWNER, via, session_id)
