"""The Datasette metadata of the tracker database: what every table and column means, facets, canned queries.

Datasette 0.65 reads canned queries from metadata (1.0 moved them to ``datasette.yaml``), so this is the one
file a served or published instance needs besides the database and the plugin.
"""

from __future__ import annotations

from tracker.archive import publish as archive_pages  # the archive's tables, pages and search part
from tracker.publish import DATABASE_NAME
from tracker.publish.plugin import MATCH_END, MATCH_START
from tracker.publish.schema import TABLES_BY_NAME

_MARKS = f"char({ord(MATCH_START)}), char({ord(MATCH_END)})"

TABLE_DOCS: dict[str, tuple[str, dict[str, str]]] = {
    "resources": (
        "The reading list: one row per link in resources.yaml.",
        {
            "id": "Stable slug that names the item on the command line",
            "title": "Title (links to the page itself)",
            "url": "Address of the page, as it was given",
            "status": "Where the item stands: inbox, next-up, reading, done or dropped",
            "category": "Kind of study material: Study, Coding, Math, Paper, Video, Course, Book, Tool, ...",
            "tags": "Tags (each links to the items that carry it)",
            "topic": "The study-plan chapter the item belongs to",
            "lab": "The lab experiment that checks what the item teaches",
            "comment": "The learner's own words about the item",
            "added": "Date the item was added",
            "status_changed": "Date of the last status change (from resources.yaml, else from git history)",
            "authors": "Authors, comma-separated",
            "published": "Publication date of the page",
            "site": "Site or publisher (before `tracker fetch`: the web address's host)",
            "kind": "Kind of page: article, paper, video, repo, docs, pdf, book, ... (blank until fetched)",
            "description": "Summary fetched from the page",
            "canonical_url": "The page's canonical address, when it declares one",
            "image": "Preview image of the page",
            "links": "The work's other links (paper, code, tweet, video...), one per line as 'label: URL'",
        },
    ),
    "tags": ("Every tag used in the reading list.", {"id": "Tag number", "name": "The tag"}),
    "resources_tags": (
        "Which item carries which tag (many-to-many).",
        {"resources_id": "The item", "tags_id": "The tag"},
    ),
    "advice": (
        "Advice quotes and tips, with where they came from.",
        {
            "id": "Position in resources.yaml",
            "category": "What the advice is about",
            "text": "The advice itself",
            "source_name": "Who gave it",
            "source_url": "Where it was said",
        },
    ),
    "glossary": (
        "Glossary of LLM terms.",
        {
            "id": "Slug of the term",
            "term": "The term",
            "definition": "What it means",
            "links": "Further reading, as a JSON list of {title, url}",
            "lab": "The lab experiment that shows the term at work",
        },
    ),
    "topics": (
        "The study plan: parts and chapters, in order.",
        {
            "id": "Chapter id, as items refer to it",
            "number": "Numbering as in the study plan (I., 1.1.1, 3.1.24b, ...)",
            "title": "Chapter title",
            "parent": "The part or chapter this one belongs to",
            "summary": "What the chapter covers",
            "lab": "The lab experiment for the chapter",
            "position": "Order in the study plan",
        },
    ),
    "notes": (
        "Study notes from notes/, rendered from Markdown and sanitised.",
        {
            "id": "Note id (file name without .md, or the id in its front matter)",
            "title": "Title from the front matter or the first heading",
            "topic": "Study-plan chapter of the note",
            "related": "Related reading-list items",
            "body_html": "The note rendered as HTML (scripts and unsafe links removed)",
            "body": "The note's Markdown source",
            "path": "File of the note in the repository",
        },
    ),
    "notes_resources": (
        "Which note relates to which reading-list item (many-to-many).",
        {"notes_id": "The note", "resources_id": "The related item"},
    ),
    "questions": (
        "Flashcards: the rows of every Question/Answer table in the notes.",
        {
            "id": "Question number",
            "question": "The question",
            "answer": "The answer",
            "note": "The note the question comes from",
            "topic": "Study-plan chapter of that note",
        },
    ),
    "lab_experiments": (
        "PyTorch experiments in lab/ that check claims numerically.",
        {
            "id": "Experiment id, as items' lab field names it",
            "title": "What the experiment shows",
            "topic": "Study-plan chapter it belongs to",
            "claims": "The claims it checks, one per line",
            "last_claims": "What its latest run says of those claims (e.g. 4 passed, 1 not checked)",
            "path": "Script in the repository",
        },
    ),
    "lab_runs": (
        "Recorded runs of the lab experiments.",
        {
            "id": "Run number",
            "experiment": "The experiment that ran",
            "item": "The reading-list item the run was started for, if any",
            "started": "When the run started",
            "status": "pass, fail, error or timeout",
            "device": "Device it ran on (cpu, cuda, mps)",
            "checks_passed": "Number of checks that passed",
            "checks_failed": "Number of checks that failed",
            "max_error": "Largest measured error over the checks",
            "duration_s": "Run time in seconds",
            "dtype": "Floating-point type used",
            "seed": "Random seed",
            "torch_version": "PyTorch version",
            "claims_summary": "How many of its claims passed, failed or were not checked",
            "result": "The full run record as JSON",
        },
    ),
    "lab_claims": (
        "Each claim of each lab run: the sentence an experiment declares and what that run showed of it.",
        {
            "id": "Row number",
            "run": "The run (a row of lab_runs)",
            "experiment": "The experiment that declares the claim",
            "started": "When the run started",
            "device": "Device the run used (cpu, cuda, mps)",
            "key": "The claim's key in the experiment's declaration",
            "text": "The claim, as the experiment states it",
            "status": "passed (every check of it held), failed (one did not) or not checked",
            "why": "Why it was not checked in this run (e.g. needs CUDA)",
            "checks": "Number of checks that tested it",
            "check_names": "Those checks, one per line",
        },
    ),
    "link_checks": (
        "The latest verdict of the dead-link checker for each URL.",
        {
            "url": "The checked URL",
            "resource": "The item whose URL it is",
            "verdict": "ok, redirected, changed (a soft 404 or another text), dead, blocked, timeout or error",
            "since": "First check that gave this verdict",
            "status_code": "HTTP status of the last check",
            "final_url": "Where a permanent redirect leads",
            "detail": "What went wrong, in words",
            "first_failed": "When the current run of failures began",
            "last_ok": "When the URL last worked",
            "failed_runs": "Checks in a row that failed on a transient error",
            "checked_at": "When the URL was last checked (on this machine)",
        },
    ),
    "item_history": (
        "Every status change of every item, read from the git history of resources.yaml.",
        {
            "id": "Event number, oldest first",
            "resource": "The item",
            "date": "Author date of the commit",
            "from_status": "Status before (empty when the item was added)",
            "to_status": "Status after (empty when the item was removed)",
            "commit": "The git commit",
            "message": "The commit message",
        },
    ),
    "build_info": (
        "When and from what this database was built.",
        {
            "id": "Always 1",
            "commit": "Git commit the database was built from",
            "built_at": "Build time (UTC)",
            "source_hash": "Hash of the source files; an unchanged hash means no rebuild",
            "schema_version": "Version of the database layout",
            "resources": "Number of reading-list items",
            "notes": "Number of notes",
        },
    ),
}

TABLE_OPTIONS: dict[str, dict] = {
    "resources": {
        "facets": ["status", "category", {"array": "tags"}, "topic", "site", "kind"],
        "sort_desc": "added",
    },
    "advice": {"facets": ["category"]},
    "topics": {"sort": "position", "facets": ["parent"]},
    "notes": {"facets": ["topic"]},
    "questions": {"facets": ["topic", "note"]},
    "lab_experiments": {"facets": ["topic"]},
    "lab_runs": {"facets": ["experiment", "status", "device"], "sort_desc": "started"},
    "lab_claims": {"facets": ["status", "experiment", "device"], "sort_desc": "started"},
    "link_checks": {"facets": ["verdict"]},
    "item_history": {"facets": ["to_status", "resource"], "sort_desc": "date"},
    "glossary": {"sort": "term"},
}

_ITEM_COLUMNS = "r.id, r.title, r.url, r.category, r.tags, t.title as topic, r.added, r.comment"


def _item_query(where: str, order: str, limit: str = "") -> str:
    return (
        f"select {_ITEM_COLUMNS}, r.status_changed\nfrom resources r left join topics t on t.id = r.topic\n"
        f"where {where}\norder by {order}{limit}"
    )


# Search hits grouped by kind (items first): bm25 ranks of different tables cannot be compared.
_SEARCH_KINDS = ("resource", "note", "advice", "term", "question")


def _search_part(kind: str, table: str, item: str, title: str, url: str) -> str:
    return (
        f"select '{kind}' as kind, x.{item} as item, x.{title} as title, {url} as url,\n"
        f"  snippet({table}_fts, -1, {_MARKS}, '…', 16) as snippet,\n"
        f"  {_SEARCH_KINDS.index(kind)} as kind_order, {table}_fts.rank as rank\n"
        f"from {table}_fts join {table} x on x.rowid = {table}_fts.rowid\n"
        f"where {table}_fts match tracker_fts_query(:q)"
    )


CANNED_QUERIES: dict[str, dict] = {
    "inbox": {
        "title": "Inbox",
        "description": "Items waiting to be sorted, newest first.",
        "sql": _item_query("r.status = 'inbox'", "r.added desc, r.title"),
    },
    "next_up": {
        "title": "Next up",
        "description": "What to read next, oldest first.",
        "sql": _item_query("r.status = 'next-up'", "r.added, r.title"),
    },
    "reading_now": {
        "title": "Reading now",
        "description": "Items being read, most recently started first.",
        "sql": _item_query("r.status = 'reading'", "coalesce(r.status_changed, r.added) desc, r.title"),
    },
    "done_recently": {
        "title": "Done recently",
        "description": "The last 50 items finished.",
        "sql": _item_query("r.status = 'done'", "coalesce(r.status_changed, r.added) desc, r.title", "\nlimit 50"),
    },
    "stale_inbox": {
        "title": "Stale inbox",
        "description": "Inbox items older than 30 days: read them, schedule them or drop them.",
        "sql": _item_query(
            "r.status = 'inbox' and coalesce(r.status_changed, r.added) < date('now', '-30 days')",
            "coalesce(r.status_changed, r.added), r.title",
        ),
    },
    "dead_links": {
        "title": "Dead links",
        "description": (
            "Items whose link the checker found dead, with why and since when. Fix the address with "
            "`tracker edit ID --url NEW`, or drop the item."
        ),
        "sql": (
            "select r.id, r.title, c.url, c.detail as why, c.status_code, c.since as dead_since, c.last_ok,\n"
            "  c.checked_at, a.archived_url\n"  # archive: the Wayback copy found by `tracker check`
            "from link_checks c join resources r on r.id = c.resource\n"
            "left join archived_copies a on a.url = c.url\n"
            "where c.verdict = 'dead'\norder by c.since, c.url"
        ),
    },
    "progress_by_topic": {
        "title": "Progress by topic",
        "description": (
            "For each part and chapter of the study plan (with everything under it): items done out of items "
            "planned, dropped ones aside."
        ),
        "sql": (
            "with recursive subtree(chapter, id) as (\n"
            "  select id, id from topics\n"
            "  union all select s.chapter, t.id from topics t join subtree s on t.parent = s.id\n)\n"
            "select t.number, t.title as topic, count(r.id) - coalesce(sum(r.status = 'dropped'), 0) as items,\n"
            "  coalesce(sum(r.status = 'done'), 0) as done, coalesce(sum(r.status = 'reading'), 0) as reading,\n"
            "  coalesce(sum(r.status in ('inbox', 'next-up')), 0) as to_read,\n"
            "  round(100.0 * sum(r.status = 'done') / nullif(sum(r.status != 'dropped'), 0), 1) as percent_done,\n"
            "  (select group_concat(e.id, ', ') from lab_experiments e where e.topic = t.id or e.id = t.lab)\n"
            "    as experiments\n"
            "from topics t join subtree s on s.chapter = t.id left join resources r on r.topic = s.id\n"
            "group by t.id\norder by t.position"
        ),
    },
    "search": {
        "title": "Search everything",
        "description": "Full-text search (with stemming) over items, notes, flashcards, advice and the glossary.",
        "sql": "select kind, item, title, url, snippet from (\n" + "\nunion all\n".join(
            [
                _search_part("resource", "resources", "id", "title", "x.url"),
                _search_part("note", "notes", "id", "title", "null"),
                _search_part("question", "questions", "id", "question", "null"),
                _search_part("advice", "advice", "id", "text", "x.source_url"),
                _search_part("term", "glossary", "id", "term", "null"),
                archive_pages.SEARCH_PART.format(marks=_MARKS, order=len(_SEARCH_KINDS)),  # saved page text, last
            ]
        )
        + "\n)\norder by kind_order, rank\nlimit 100",
    },
    "items_with_lab": {
        "title": "Items with a lab experiment",
        "description": (
            "Reading-list items linked to a lab experiment (by the item's lab field, else every experiment of "
            "its study-plan chapter), with the experiment's last run."
        ),
        "sql": (
            "with last_run as (\n"
            "  select experiment, started, status, max_error, device, claims_summary,\n"
            "    row_number() over (partition by experiment order by started desc) as n\n"
            "  from lab_runs\n)\n"
            "select r.id, r.title, r.url, r.status, coalesce(r.lab, e.id) as experiment,\n"
            "  case when r.lab is not null then 'item' when t.lab = e.id then 'chapter ' || t.number\n"
            "    else 'experiment of chapter ' || t.number end as linked_by,\n"
            "  e.title as experiment_title, l.started as last_run, l.status as result, l.claims_summary as claims,\n"
            "  l.max_error, l.device\n"
            "from resources r left join topics t on t.id = r.topic\n"
            "left join lab_experiments e on e.id = r.lab\n"
            "  or (r.lab is null and (e.id = t.lab or e.topic = r.topic))\n"
            "left join last_run l on l.experiment = coalesce(r.lab, e.id) and l.n = 1\n"
            "where coalesce(r.lab, e.id) is not null\n"
            "order by experiment, r.title"
        ),
    },
}


CANNED_QUERIES["plan_session"] = archive_pages.PLAN_SESSION_QUERY  # archive: `tracker next` as a page

for _query in CANNED_QUERIES.values():
    _query["hide_sql"] = True  # results first; "show" reveals the SQL


_HOME_SECTIONS = (
    ("Read", ("inbox", "next_up", "plan_session", "reading_now", "done_recently", "stale_inbox")),
    ("Study", ("progress_by_topic", "items_with_lab", "dead_links")),
)
_HOME_TABLES = (
    ("resources", "the whole reading list, with facets"),
    ("notes", "study notes"),
    ("questions", "flashcards"),
    ("topics", "study plan"),
    ("glossary", "glossary"),
    ("advice", "advice"),
    ("item_history", "what changed when"),
    ("lab_runs", "lab runs"),
    ("lab_claims", "lab claims"),
    ("snapshots", "saved page text"),
)


def home_page_html() -> str:
    """The home page's description: a search box and links to the pages a learner opens every day.

    Links are relative ("tracker/inbox"), so they hold under any ``base_url`` a host serves the site at.
    """
    sections = []
    for heading, names in _HOME_SECTIONS:
        links = " · ".join(f'<a href="{DATABASE_NAME}/{n}">{CANNED_QUERIES[n]["title"]}</a>' for n in names)
        sections.append(f"<p><strong>{heading}:</strong> {links}</p>")
    tables = " · ".join(f'<a href="{DATABASE_NAME}/{name}">{label}</a>' for name, label in _HOME_TABLES)
    return (
        "<p>A learner's reading list, notes, flashcards, glossary, advice, study plan and lab runs, built from "
        "<code>resources.yaml</code>, <code>notes/</code> and <code>lab/</code> in git.</p>\n"
        f'<form class="tracker-search" action="{DATABASE_NAME}/search" method="get">'
        '<label for="tracker-q"><strong>Search everything:</strong></label> '
        '<input type="search" id="tracker-q" name="q" placeholder="e.g. attention, broadcasting, eigenvalues"> '
        '<input type="submit" value="Search"></form>\n'
        + "\n".join(sections)
        + f"\n<p><strong>Browse:</strong> {tables}</p>"
    )


def datasette_metadata(title: str = "tracker: an LLM reading room") -> dict:
    """The metadata dict Datasette serves the tracker database with."""
    tables = {}
    for name, (description, columns) in TABLE_DOCS.items():
        spec = TABLES_BY_NAME[name]
        table: dict = {"description": description, "columns": dict(columns)}
        if spec.label:
            table["label_column"] = spec.label
        table.update(TABLE_OPTIONS.get(name, {}))
        tables[name] = table
    from tracker.cards.tables import card_metadata  # flashcards' tables and queries live with the cards

    card_tables, card_queries = card_metadata()
    tables.update(card_tables)
    tables.update(archive_pages.table_metadata())
    return {
        "title": title,
        "description": (
            "A learner's reading list, advice, glossary, study plan and notes, built from resources.yaml, notes/ "
            "and lab/ in git."
        ),
        "description_html": home_page_html(),
        "source": "resources.yaml, notes/ and lab/ in git",
        "databases": {
            DATABASE_NAME: {
                "description": "Everything tracker knows, rebuilt from the files whenever they change.",
                "tables": tables,
                "queries": {**CANNED_QUERIES, **card_queries},
            }
        },
    }
