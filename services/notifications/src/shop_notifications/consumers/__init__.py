"""The consumer: each subscriber turns a message into a use-case call."""
