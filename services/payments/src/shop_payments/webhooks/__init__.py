"""Processor webhooks: signature verification, event parsing, the sandbox's poster."""
