"""Test helpers on real infrastructure: throwaway databases and vhosts, an SMTP sink, a TCP proxy.

Servers come from the environment (TEST_POSTGRES_URL, TEST_AMQP_URL), else localhost, else
containers started with testcontainers where a Docker engine answers.
"""
