-- docker-compose: the five services' databases, created once when the volume is new.
-- (Each service's `migrate` also creates its own if missing; creating them here first avoids
-- five concurrent CREATE DATABASE at the first start.)
CREATE DATABASE shop_orders;
CREATE DATABASE shop_payments;
CREATE DATABASE shop_delivery;
CREATE DATABASE shop_notifications;
CREATE DATABASE shop_catalog;
