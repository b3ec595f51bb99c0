"""Migrations: a single head, an empty database upgrades, and the models match the migrations."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory


def test_single_alembic_head(app) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_upgraded_schema_matches_models(request, backend) -> None:  # type: ignore[no-untyped-def]
    """The session apps were built by `upgrade()` on empty databases; autogenerate must find nothing."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from consult.extensions import db
    from consult.search.index import include_name

    app = request.getfixturevalue(f"{backend}_app")
    with app.app_context(), db.engine.connect() as connection:
        # The full-text index (GIN expression index / FTS5 table) is made by hand in its migration.
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
        assert compare_metadata(context, db.metadata) == []
