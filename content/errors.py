"""The error raised when content files are missing, malformed or inconsistent."""


class ContentError(Exception):
    """Content failed validation; the message lists every problem found, one per line."""
