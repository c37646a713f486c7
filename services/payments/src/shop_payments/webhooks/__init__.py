"""Processor webhooks: the event verifier (signature, then parsing), the sandbox's poster."""
