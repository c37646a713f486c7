"""The fault suite (`make chaos`): orders flow through the five services while one fault per
scenario hits the broker, the database, a service, the network or the messages; then every
order is checked for lost, duplicated and unexpected deliveries. See docs/reliability.md."""

from shop_devtools.chaos.runner import ChaosOptions, run_chaos

__all__ = ["ChaosOptions", "run_chaos"]
