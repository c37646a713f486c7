"""Rendering emails (Jinja2), sending them (aiosmtplib) and the sender loop."""
