"""One transaction's repositories, on one session: what routes and consumers work with."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shop_messaging.outbox import SessionOutbox
from shop_orders.db.account_repository import SqlAccountRepository
from shop_orders.db.admin_session_repository import SqlAdminSessionRepository
from shop_orders.db.cart_repository import SqlCartRepository
from shop_orders.db.catalog_repository import SqlCatalogRepository
from shop_orders.db.checkout_settings import SqlCheckoutSettings
from shop_orders.db.coupon_repository import SqlCouponRepository
from shop_orders.db.dashboard_queries import SqlDashboardQueries
from shop_orders.db.invoice_repository import SqlInvoiceRepository
from shop_orders.db.order_field_repository import SqlOrderFieldRepository
from shop_orders.db.order_repository import SqlOrderRepository
from shop_orders.db.quote_repository import SqlQuoteRepository
from shop_orders.db.refund_repository import SqlRefundRepository
from shop_orders.db.settings_repository import SqlSettingsRepository
from shop_orders.db.tax_repository import SqlTaxRepository
from shop_orders.service.ports import Repositories


def repositories(
    session: AsyncSession, *, default_seller_email: str, default_currency: str = "EUR"
) -> Repositories:
    return Repositories(
        catalog=SqlCatalogRepository(session),
        carts=SqlCartRepository(session),
        orders=SqlOrderRepository(session),
        settings=SqlSettingsRepository(
            session, default_seller_email=default_seller_email, default_currency=default_currency
        ),
        outbox=SessionOutbox(session),
        admin_sessions=SqlAdminSessionRepository(session),
        accounts=SqlAccountRepository(session),
        coupons=SqlCouponRepository(session),
        tax=SqlTaxRepository(session),
        order_fields=SqlOrderFieldRepository(session),
        checkout_settings=SqlCheckoutSettings(session),
        invoices=SqlInvoiceRepository(session),
        quotes=SqlQuoteRepository(session),
        refunds=SqlRefundRepository(session),
        dashboard=SqlDashboardQueries(session),
    )
