"""Admin commands check the admin id list; everyone else gets the normal reply."""

from __future__ import annotations

from bot.app import Runtime
from flows.turn import Turn
from tests.support.chat import ChatDriver

ADMIN = 1
SOMEONE = 2


def secret_report(turn: Turn, args: str) -> None:
    """A stand-in admin command."""
    turn.reply("admin report")


def test_only_admins_reach_admin_commands(runtime: Runtime) -> None:
    engine = runtime.engine
    engine.admin_ids = frozenset({ADMIN})
    engine.add_command("report", secret_report, "commands.help", admin_only=True)

    someone = ChatDriver(runtime.service, user_id=SOMEONE)
    someone.onboard()
    someone.command("nonexistent")
    normal = someone.text
    someone.command("report")
    assert someone.text == normal  # exactly what any unknown command gets
    someone.press_payload("go:report")
    assert "admin report" not in someone.text
    assert "report" not in [spec.name for spec in engine.visible_commands()]

    admin = ChatDriver(runtime.service, user_id=ADMIN)
    admin.onboard()
    admin.command("report")
    assert admin.text == "admin report"
    assert "report" in [spec.name for spec in engine.visible_commands(admin=True)]
