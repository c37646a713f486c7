"""One look for every page of every service (issue 10).

- `templates/shop_web/base.html`: the layout (header with the shop's name and logo, footer with
  its contact details), `admin.html` (the admin navigation across all services), `error.html`,
  `macros.html` (form fields with their error next to them, confirmed buttons, status badges).
- `static/shop.css`, `static/shop.js`: the styles (phone first, WCAG AA contrast) and the small
  script every page may use (confirmation of destructive buttons, running totals, pages that
  update themselves). Files, never inline: the pages' CSP allows no inline script.
- `Web`: a service's Jinja environment over its own templates and these, the shared filters,
  the static files, and `page()` / `error_page()` that add the branding and the links.
- `Branding`: the shop's name, logo, accent colour and contact details, set in the orders
  service's shop settings and read by the others from `GET /api/shop` (cached briefly).
"""

from shop_web.branding import Branding, BrandingSource, RemoteBranding
from shop_web.labels import delivery_label, payment_label, status_label
from shop_web.web import SiteLinks, Web, request_locale, wants_html

__all__ = [
    "Branding",
    "BrandingSource",
    "RemoteBranding",
    "SiteLinks",
    "Web",
    "delivery_label",
    "payment_label",
    "request_locale",
    "status_label",
    "wants_html",
]
