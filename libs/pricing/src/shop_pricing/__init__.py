"""shop-pricing: the pricing rules, written once, used by catalog (to show prices) and by
orders (to charge them, from its read model). Pure: no I/O, no clock, no database.

- `rounding`: the one rounding rule (half up, to minor units) and the amount bounds;
- `offers`: which royalty-free rows a media is offered with (never bigger than its original);
- `rights_managed`: rights-managed option trees, the usage a client chooses and its price;
- `discounts`: quantity discounts per profile (applied before coupons);
- `coupons`: a coupon's rules (availability, minimum, restriction, refusal reasons);
- `tax`: rates per country/region, tax included or not, the EU reverse charge;
- `spread`: an amount spread over lines in proportion (largest remainder);
- `totals`: an order's subtotal, discount, tax and total from its priced lines
  (`order_totals` applies all of the above, in that order).
"""
