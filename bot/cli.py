"""The command line: run the bot, chat in the terminal, check content, migrate."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.settings import SettingsError, configure_logging, load_settings
from content.errors import ContentError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Tandem, the bot.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the Telegram bot (long polling; the default)")
    commands.add_parser("chat", help="talk to Tandem in this terminal")
    commands.add_parser("check-content", help="validate content/ and exit non-zero on problems")
    commands.add_parser("migrate", help="bring the database schema up to date")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        if command == "check-content":
            return check_content_command()
        settings = load_settings(require_token=command == "run")
        # In the terminal chat, log lines would interleave with the conversation.
        level = settings.log_level if command != "chat" else "WARNING"
        configure_logging(level, [settings.bot_token])
        from bot.app import build_application, build_runtime

        if command == "migrate":
            build_runtime(settings)
            print("Database is up to date.")
            return 0
        runtime = build_runtime(settings)
        if command == "chat":
            from bot.console import ConsoleChat

            ConsoleChat(runtime).run()
            return 0
        application = build_application(runtime)
        application.run_polling(allowed_updates=["message", "callback_query"])
        return 0
    except SettingsError as exc:
        print(f"Configuration problem: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:
        print("Content problem:\n" + str(exc), file=sys.stderr)
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
