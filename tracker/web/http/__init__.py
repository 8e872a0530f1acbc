"""The one HTTP policy: address guard, fetching, charsets, retries and per-host limits."""
