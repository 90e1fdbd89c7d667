"""Reference stage: the executable semantics (docs/semantics.md) and the shared test vectors made from it."""
