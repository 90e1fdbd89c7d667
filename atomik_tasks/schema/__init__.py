"""Schema stage: strict JSON source, validation rules, the normalized model, identifier naming."""
