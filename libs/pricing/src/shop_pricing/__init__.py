"""shop-pricing: the pricing rules, written once, used by catalog (to show prices) and by
orders (to charge them, from its read model). Pure: no I/O, no clock, no database.

- `rounding`: the one rounding rule (half up, to minor units) and the amount bounds;
- `offers`: which royalty-free rows a media is offered with (never bigger than its original);
- `totals`: an order's subtotal, discount, tax and total from its priced lines.

Rights-managed option trees, quantity discounts, coupons and tax rates come with the pricing
issue; `totals.Totals` already carries their places.
"""
