"""Storage: SQLAlchemy models, the database connection, migrations and the engine's Store."""
