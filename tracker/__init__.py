"""tracker: a git-backed reading list, glossary and lab notebook for learning LLMs."""

__version__ = "0.1.0"
