"""Messaging every service shares: broker, topology, outbox + relay, inbox, consumer runtime."""
