"""Everything that talks to the network: one HTTP policy, metadata extraction, link checking."""
