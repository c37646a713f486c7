"""The MessageRouter handlers: each turns a consumed message into one use-case call."""
