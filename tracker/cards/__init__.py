"""Flashcards: the notes' Q&A rows and the glossary, scheduled with FSRS from a review log kept in git.

- ``deck``: which cards exist and their stable ids (the rule is documented there and in docs/flashcards.md);
- ``reviewlog``: the tracked, append-only review log beside resources.yaml (one JSON line per review);
- ``schedule``: the FSRS state of every card, replayed from the log (so any clone derives the same dates);
- ``history``: that replay, cached in the git-ignored ``.tracker/`` so a long log costs nothing per command;
- ``pause``: why a card is suspended (its source's link is dead, its note row was removed);
- ``collection``: everything above put together for the commands and the reading room;
- ``export``: Anki packages (genanki) and CSV; ``tables``: the reading room's tables and queries.

fsrs and genanki are imported only by the modules that need them, so listing commands stays light.
"""
