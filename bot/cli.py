"""The command line: run the bot, chat in the terminal, check content, migrate, ask the FAQ."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sqlalchemy.exc import OperationalError

from bot.settings import Settings, SettingsError, configure_logging, load_settings
from content.errors import ContentError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Tandem, the bot.")
    parser.add_argument(
        "--webhook",
        action="store_true",
        help="serve updates over HTTP (WEBHOOK_URL, WEBHOOK_SECRET) instead of long polling",
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the Telegram bot (long polling; the default)")
    commands.add_parser("chat", help="talk to Tandem in this terminal")
    commands.add_parser("check-content", help="validate content/ and exit non-zero on problems")
    commands.add_parser("migrate", help="bring the database schema up to date")
    commands.add_parser(
        "rotate-keys", help="re-encrypt stored answers with the first key of ENCRYPTION_KEYS"
    )
    faq = commands.add_parser(
        "faq", help="match a question (or each line of stdin) against the FAQ, print JSON"
    )
    faq.add_argument("question", nargs="*", help="the question (quotes optional)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        if command == "check-content":
            return check_content_command()
        if command == "faq":
            from bot.faq_cli import faq_command

            return faq_command(args.question, sys.stdin, sys.stdout)
        settings = load_settings(require_token=command == "run")
        # In the terminal chat, log lines would interleave with the conversation.
        level = settings.log_level if command != "chat" else "WARNING"
        configure_logging(level, settings.secrets)
        if args.webhook and command == "run":
            from bot.webhook import webhook_options

            webhook_options(settings)  # a missing WEBHOOK_URL or secret stops us before start-up
        from bot.app import build_application, build_runtime

        if command == "migrate":
            build_runtime(settings)
            print("Database is up to date.")
            return 0
        if command == "rotate-keys":
            return rotate_keys_command(settings)
        runtime = build_runtime(settings)
        if command == "chat":
            from bot.console import ConsoleChat

            ConsoleChat(runtime).run()
            return 0
        application = build_application(runtime)
        if args.webhook:
            from bot.webhook import run_webhook

            run_webhook(application, settings)
            return 0
        from bot.webhook import run_polling

        run_polling(application, settings)
        return 0
    except SettingsError as exc:
        print(f"Configuration problem: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:
        print("Content problem:\n" + str(exc), file=sys.stderr)
        return 2
    except OperationalError as exc:
        # Wrong password, unknown host, server down: one line, no traceback, no password.
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        print(
            f"Configuration problem: DATABASE_URL: could not connect ({reason})", file=sys.stderr
        )
        return 2
    except KeyboardInterrupt:
        return 130


def check_content_command() -> int:
    """Print every content problem; exit 1 if there are any."""
    from content.check import check_content

    problems = check_content()
    if problems:
        print(f"content/ has {len(problems)} problem(s):")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print("content/ is consistent: every key used exists and none is unused.")
    return 0


def rotate_keys_command(settings: Settings) -> int:
    """Re-encrypt every stored free-text value with the newest key."""
    from bot.app import build_runtime
    from bot.crypto import cipher_from_setting
    from bot.storage.key_rotation import rotate_stored_text

    cipher = cipher_from_setting(",".join(settings.encryption_keys))
    if not cipher.encrypts:
        raise SettingsError("ENCRYPTION_KEYS is not set: there is no key to rotate to")
    runtime = build_runtime(settings)
    count = rotate_stored_text(runtime.database, cipher)
    print(f"Re-encrypted {count} stored value(s) with the first key of ENCRYPTION_KEYS.")
    return 0
