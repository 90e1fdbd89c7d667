"""The shared result cache: a content-addressed store (cas/<sha256> for file contents, ac/<key> for a small JSON
action result) on any fsspec filesystem, the layout bazel-remote uses. A task whose inputs, tools and settings
match an action key restores its outputs (each checked against its digest) instead of running.

It sits below the checks: it stores and restores files, and never judges a result (only passing ones go in).
"""
