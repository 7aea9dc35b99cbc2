"""For migrations that move a model to another app without touching its table."""

from __future__ import annotations

from collections.abc import Iterable


def content_types_move(apps, schema_editor, *, old_app: str, new_app: str, models: Iterable[str]) -> None:
    """Give the moved models' content types their new app label, so that permissions
    and admin history that refer to them stay attached. On a fresh database there are
    none yet (they are made after migrating) and nothing happens."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in models:
        if ContentType.objects.using(db).filter(app_label=new_app, model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label=old_app, model=model).update(app_label=new_app)
