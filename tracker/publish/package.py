"""Write a folder that ``datasette publish`` or ``datasette package`` can put on a host.

The folder is also a Datasette configuration directory: ``datasette serve OUT`` finds the database, metadata,
settings and plugin in it.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
from pathlib import Path

from tracker.publish import DATABASE_NAME, plugin
from tracker.publish.metadata import datasette_metadata

PLUGIN_FILE = "tracker_datasette.py"
TEMPLATE_DIR = Path(__file__).with_name("templates")
NOTES_FILES_DIR = plugin.NOTES_FILES_PREFIX.strip("/")
HOSTED_SETTINGS = {
    "default_page_size": 50,
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 500,
    # Ten values per facet ("..." shows the rest): a site facet over a large list would fill the screen.
    "default_facet_size": 10,
    # A note's Markdown source is cut short in table views (the row page and the rendered HTML show it all).
    "truncate_cells_html": 280,
}


def publish_commands(out: Path) -> list[str]:
    """The commands that host the folder ``out``, as shown to the user."""
    db, meta, plugins = out / f"{DATABASE_NAME}.db", out / "metadata.json", out / "plugins"
    templates = out / "templates"
    # settings.json is read by `datasette serve OUT` only; a host gets the same settings on its command line.
    settings = " ".join(f"--setting {name} {value}" for name, value in HOSTED_SETTINGS.items())
    common = (f"{db} --metadata {meta} --plugins-dir {plugins} --template-dir {templates} --install bleach "
              f"--extra-options {shlex.quote(settings)}")
    pictures = out / NOTES_FILES_DIR
    if pictures.is_dir():
        common += f" --static {NOTES_FILES_DIR}:{pictures}"
    return [
        f"datasette serve {out}",
        f"datasette publish cloudrun {common} --service tracker",
        f"datasette publish heroku {common} --name tracker",
        f"datasette package {common} --tag tracker",
    ]


def write_publish_dir(db_path: Path, out: Path, notes_dir: Path | None = None) -> list[Path]:
    """Copy the built database, write metadata.json, the plugin, the templates and the notes' pictures into
    ``out``; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "plugins").mkdir(exist_ok=True)
    target = out / f"{DATABASE_NAME}.db"
    temp = target.with_name(f".{target.name}.copying")
    shutil.copyfile(db_path, temp)
    os.replace(temp, target)
    meta = out / "metadata.json"
    meta.write_text(json.dumps(datasette_metadata(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    settings = out / "settings.json"
    settings.write_text(json.dumps(HOSTED_SETTINGS, indent=2) + "\n", encoding="utf-8")
    plugin_copy = out / "plugins" / PLUGIN_FILE
    shutil.copyfile(plugin.__file__, plugin_copy)
    # The learner-first page templates; without the room plugin they show no forms (writes are off here).
    templates = out / "templates"
    templates.mkdir(exist_ok=True)
    copied = []
    for template in sorted(TEMPLATE_DIR.glob("*.html")):
        shutil.copyfile(template, templates / template.name)
        copied.append(templates / template.name)
    pictures = _copy_note_pictures(notes_dir, out / NOTES_FILES_DIR) if notes_dir else []
    return [target, meta, settings, plugin_copy, *copied, *pictures, _write_inspect_data(out, target)]


def _copy_note_pictures(notes_dir: Path, target: Path) -> list[Path]:
    from tracker.publish.markdown import IMAGE_SUFFIXES

    if not notes_dir.is_dir():
        return []
    copied = []
    for picture in sorted(notes_dir.rglob("*")):
        if picture.suffix.lower() in IMAGE_SUFFIXES and picture.is_file() and not picture.is_symlink():
            destination = target / picture.relative_to(notes_dir)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(picture, destination)
            copied.append(destination)
    return copied


def _write_inspect_data(out: Path, db: Path) -> Path:
    """``inspect-data.json``: with it ``datasette serve OUT`` opens the database immutable (no locking, counts
    known up front), as ``datasette publish`` does on a host."""
    import subprocess
    import sys

    inspect_file = out / "inspect-data.json"
    subprocess.run(
        [sys.executable, "-m", "datasette", "inspect", db.name, "--inspect-file", inspect_file.name],
        cwd=out, check=True, capture_output=True, text=True,
    )
    return inspect_file
