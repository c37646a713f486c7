"""Placing's raw INSERT reads the rows back by the tables' row types (`jsonb_populate_record`):
a column missing from a row would be NULL, not its default, so every row names every column."""

from __future__ import annotations

import json

from shop_orders.db.order_insert import (
    _HISTORY_COLUMNS,
    _LINE_COLUMNS,
    _ORDER_COLUMNS,
    insert_order_args,
    save_order_args,
)
from shop_orders.db.tables import order_history, order_lines, orders

from .test_order_state_machine import make_order


def test_the_rows_name_every_column_of_their_tables() -> None:
    order_row, lines, history = (json.loads(arg) for arg in insert_order_args(make_order()))
    assert set(order_row) == set(_ORDER_COLUMNS) == {c.name for c in orders.c}
    assert len(lines) == 2
    assert all(set(line) == set(_LINE_COLUMNS) == {c.name for c in order_lines.c} for line in lines)
    assert [entry["kind"] for entry in history] == ["placed"]
    assert set(history[0]) == set(_HISTORY_COLUMNS) == {c.name for c in order_history.c} - {"id"}


def test_a_save_writes_the_states_and_the_new_history_only() -> None:
    order = make_order()
    order.new_history.clear()
    row, history = (json.loads(arg) for arg in save_order_args(order))
    assert row["id"] == str(order.id)
    assert row["status"] == order.status.value
    assert history == []
