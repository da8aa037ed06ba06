"""The features Tandem runs, and the one place that assembles the engine from them.

Each feature module has `register(engine)`: it adds its flows, commands, menu items, global
buttons and journal renderers. Machines are built here, once, at start-up.
"""

from __future__ import annotations

from collections.abc import Iterable

from content import Content
from flows import (
    daily,
    discreet,
    faq,
    free_text,
    home,
    journal,
    practice,
    prepare,
    privacy,
    reflection,
    safety,
    safety_plan,
    selfcheck,
)
from flows import progress as progress_view
from flows.engine import Engine

FEATURES = [
    home,
    safety,
    privacy,
    reflection,
    practice,
    journal,
    selfcheck,
    progress_view,
    faq,
    daily,
    safety_plan,
    discreet,
    prepare,
    free_text,  # after faq: free text at the menu is read first, questions go on to the FAQ
]


def build_engine(content: Content, *, admin_ids: Iterable[int] = ()) -> Engine:
    """Build the engine with every feature registered."""
    engine = Engine(content, admin_ids=admin_ids)
    for feature in FEATURES:
        feature.register(engine)
    return engine
