"""Reference stage: the executable semantics (`atomik-tasks docs semantics`) and the shared test vectors made
from it."""
