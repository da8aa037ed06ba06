"""The command line: run the bot, chat in the terminal, check content, migrate, ask the FAQ,
show the operator's status screen, regenerate the generated docs, read practice replies."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.crypto import CipherError
from bot.monitoring import OpsServerError
from bot.settings import Settings, SettingsError, configure_logging, load_settings
from bot.startup import EXIT_CONFIGURATION, explain_failure, report_unexpected
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
    diagrams = commands.add_parser(
        "diagrams",
        help="write docs/flows.md (flow diagrams) and the reference block of docs/DEVELOPING.md",
    )
    diagrams.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a generated doc is stale"
    )
    commands.add_parser(
        "status", help="one screen for the operator: counts, prompts, schema, encryption"
    )
    commands.add_parser(
        "rotate-keys", help="re-encrypt stored answers with the first key of ENCRYPTION_KEYS"
    )
    faq = commands.add_parser(
        "faq", help="match a question (or each line of stdin) against the FAQ, print JSON"
    )
    faq.add_argument("question", nargs="*", help="the question (quotes optional)")
    feedback = commands.add_parser(
        "feedback", help="analyse a practice reply (or each line of stdin), print JSON"
    )
    feedback.add_argument("reply", nargs="*", help="the reply (quotes optional)")
    feedback.add_argument("--scene", help="a scene id from content/practice.yaml")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    command = args.command or "run"
    mode = "webhook" if args.webhook else "polling"
    settings: Settings | None = None
    try:
        if command == "check-content":
            return check_content_command()
        if command == "diagrams":
            from bot.diagrams import diagrams_command

            return diagrams_command(check=args.check)
        if command == "faq":
            from bot.faq_cli import faq_command

            return faq_command(args.question, sys.stdin, sys.stdout)
        if command == "feedback":
            from bot.feedback_cli import feedback_command

            return feedback_command(args.reply, args.scene, sys.stdin, sys.stdout, sys.stderr)
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
        if command == "status":
            from bot.status import status_command

            # Read only: no migration, so status works on a database that is behind.
            runtime = build_runtime(settings, migrate_schema=False)
            return status_command(settings, runtime.database, runtime.outbox_backlog, sys.stdout)
        runtime = build_runtime(settings)
        if command == "chat":
            from bot.console import ConsoleChat

            ConsoleChat(runtime).run()
            return 0
        application = build_application(runtime)
        from bot.startup import run_bot

        run_bot(runtime, application, webhook=args.webhook)
        return 0
    except SettingsError as exc:
        print(f"Configuration problem: {exc}", file=sys.stderr)
        return EXIT_CONFIGURATION
    except OpsServerError as exc:
        print(f"Tandem cannot start: {exc}", file=sys.stderr)
        return EXIT_CONFIGURATION
    except CipherError as exc:
        # A stored value no configured key opens: one line, never the value or a key.
        print(f"Encryption problem: {exc}", file=sys.stderr)
        return EXIT_CONFIGURATION
    except ContentError as exc:
        print("Content problem:\n" + str(exc), file=sys.stderr)
        return EXIT_CONFIGURATION
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # Token rejected, no network, database down or refusing us: one line, no traceback.
        failure = explain_failure(exc, settings, mode) if settings is not None else None
        if failure is None:
            report_unexpected(exc)
            return 1
        prefix = "Tandem cannot start" if command == "run" else f"python -m bot {command} failed"
        print(f"{prefix}: {failure.message}", file=sys.stderr)
        return failure.exit_code


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
    try:
        count = rotate_stored_text(
            runtime.database, cipher, held=runtime.engine.held_texts.values()
        )
    except CipherError:
        raise CipherError(
            "rotate-keys stopped at a stored value no key in ENCRYPTION_KEYS opens; add the key "
            "it was written with (after the new one) and run it again (what was rotated stays so)"
        ) from None
    print(f"Re-encrypted {count} stored value(s) with the first key of ENCRYPTION_KEYS.")
    return 0
