"""Checks stage: the runner every check goes through, Edalize flows, and the cross-language interface check."""
