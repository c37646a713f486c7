"""Galleries, selections, price lists: their ports."""

from __future__ import annotations

from typing import Protocol


class SalesRepository(Protocol):
    pass
