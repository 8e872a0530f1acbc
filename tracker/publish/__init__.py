"""Publishing: build the SQLite database from the files in git and serve it with Datasette.

``build`` writes the database, ``metadata`` describes it to Datasette, ``plugin`` renders cells safely (and is
what ``tracker publish`` ships), ``templates/`` hold the learner-first pages, ``live`` swaps a freshly built file
under a running server and ``problems`` says in one line why a build failed. ``room`` is the reading room's
writable side for ``tracker serve`` (forms, Host allow-list, CSRF), ``actions`` the CLI changes its forms make,
``serve`` runs it all, ``package`` exports a read-only folder.
"""

DATABASE_NAME = "tracker"
