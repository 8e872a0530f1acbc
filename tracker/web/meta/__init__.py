"""Metadata extraction from a page, one module per field or source."""
