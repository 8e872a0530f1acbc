"""Publishing: build the SQLite database from the files in git and serve it with Datasette.

``build`` writes the database, ``metadata`` describes it to Datasette, ``plugin`` renders cells safely,
``live`` swaps a freshly built file under a running server, ``serve`` runs it, ``package`` exports it.
"""

DATABASE_NAME = "tracker"
