"""Alembic: an empty database upgrades to head and matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.storage.database import create_database_engine, migrate
from bot.storage.models import Base


def test_upgrade_from_empty_matches_models(database_url: str) -> None:
    engine = create_database_engine(database_url)
    with engine.begin() as connection:  # start from nothing, even on the shared PostgreSQL db
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(
                text(
                    f'DROP TABLE IF EXISTS "{table.name}" CASCADE'
                    if engine.dialect.name == "postgresql"
                    else f'DROP TABLE IF EXISTS "{table.name}"'
                )
            )
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    migrate(engine)
    migrate(engine)  # running again at the next start is a no-op
    with engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
    assert diff == []
    assert set(inspect(engine).get_table_names()) >= {t.name for t in Base.metadata.sorted_tables}
    engine.dispose()


def test_sqlite_runs_in_wal_mode(sqlite_url: str) -> None:
    engine = create_database_engine(sqlite_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
