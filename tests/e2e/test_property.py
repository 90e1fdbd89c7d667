"""Random valid schemas generate, and all five languages verify them against the same vectors."""

from __future__ import annotations

import itertools
import json

from hypothesis import HealthCheck, given, settings
from projects import make_project
from schema_strategies import schemas

from atomik_tasks.languages import all_languages, reserved
from atomik_tasks.schema import naming
from atomik_tasks.schema import validate as schema_validate
from atomik_tasks.schema.source import parse_text


def validate(src, clashes=None):
    """Validation as normalize runs it: against the spec and every language's reserved words."""
    return schema_validate.validate(src, clashes, reserved())


_counter = itertools.count()


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=schemas())
def test_random_schema_verifies_in_every_language(tmp_path, doc):
    diags = [d for d in validate(parse_text(json.dumps(doc), "x.json")) if d.severity == "error"]
    if any(d.rule in ("identifier-reserved", "field-name-reserved") for d in diags):
        return  # a name a language reserves: rejected on purpose, with the reason (test_vocabulary.py)
    assert diags == [], [d.format() for d in diags]
    proj = make_project(tmp_path / f"p{next(_counter)}", schemas=[])
    proj.write_schema("random", doc)
    run = proj.doit("-n", "2")
    failed = {n: t["err"][-2000:] for n, t in run.tasks.items() if t["result"] == "fail"}
    assert run.returncode == 0 and not failed, (json.dumps(doc), failed or run.stderr[-3000:])
    key = "_".join(naming.snake(doc["catalogue"][k]) for k in ("vertical", "field", "object"))
    for lang in all_languages():
        report = proj.report(f"verify:{lang}:random")
        assert report["status"] == "passed" and report["tests"] > 0, report
    assert (proj.root / "build/cores" / key / f"atomik_{key}.core").exists()
