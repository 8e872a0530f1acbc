"""The page archive: each item's readable text saved beside resources.yaml (``archive/<id>.md``).

A user's archive is data, not derived state: the page may be gone tomorrow, so the files are tracked in git.
Everything here is light to import; trafilatura, pypdf and httpx load only where a page is read or fetched.
"""
