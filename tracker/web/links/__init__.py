"""Link checking: verdicts, the check run, history over time, and where links come from."""
