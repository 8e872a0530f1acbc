"""Click commands, one module per feature; each parses options, calls the core, and prints."""
