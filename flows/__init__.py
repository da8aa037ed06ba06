"""Tandem's conversation: a platform-neutral engine and the flows it runs.

Nothing in this package knows about Telegram or SQL: events come in, replies go out, and state
is read and written through the `flows.ports.Store` protocol.
"""
