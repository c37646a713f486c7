"""The delivery consumer (`handlers.build_router`): one handler per message type, each a
use-case call."""
