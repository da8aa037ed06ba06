"""Tandem's Telegram adapter, storage, settings, console chat and command line."""
