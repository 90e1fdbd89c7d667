"""Generated SDKs pass their own toolchains, and hostile schema text stays inert data in every language."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys

import pytest
import sdkcheck
from projects import make_project, minimal_schema

from atomik_tasks.languages.javascript import NODE
from atomik_tasks.tools import require

# Each line tries to break out of a comment, docstring, string or template and create the file PWNED.
HOSTILE = "\n".join(
    [
        'end""" ; import os; os.system("touch PWNED") ; """',
        "'''; open('PWNED', 'w') #",
        '*/ require("fs").writeFileSync("PWNED", ""); /*',
        "` + require('fs').writeFileSync('PWNED','') + ` ${require('fs').writeFileSync('PWNED','')}",
        "trailing backslash splices the next line in C \\",
        'system("touch PWNED");',
        "trigraph ??/",
        'system("touch PWNED");',
        "\u2028require('fs').writeFileSync('PWNED','')",
        "\r fn main() {} \u202e bidi \x1b[31m",
        "{{ 7*7 }} {% raw %} {# #} \\x41 \\u{41} \\",
        'endmodule module evil; initial $system("touch PWNED"); endmodule //',
        '"; exec("touch PWNED"); "',
        "[exec touch PWNED] $(touch PWNED) `touch PWNED` ; rm -rf / #",
        "caf\u00e9 \u65e5\u672c \U0001f600 \u0000-free",
    ]
)


def hostile_schema() -> dict:
    doc = minimal_schema()
    doc["catalogue"].update(description=HOSTILE[:1024], author=HOSTILE[:256], license=HOSTILE)
    doc["schema"]["delta_fields"] = {
        "wide": {"type": "delta_stream", "width": 256, "default_value": 2**255 + 5},
        "other": {"type": "bitmask_delta", "width": 256},
    }
    doc["schema"]["operations"]["rollback"] = {"enabled": True, "history_depth": 5}
    doc["hardware"] = {
        "target_device": HOSTILE,
        "synthesis_options": {"timing_constraints": {"*/ \n evil": HOSTILE}},
    }
    return doc


@pytest.fixture(scope="module")
def cargo_target(tmp_path_factory):
    return tmp_path_factory.mktemp("cargo-target")


def check_all(sdk, cargo_target):
    sdkcheck.python(sdk)
    sdkcheck.rust(sdk, cargo_target)
    sdkcheck.c(sdk)
    sdkcheck.javascript(sdk)
    sdkcheck.verilog(sdk)


def test_shipped_sdks_pass_every_toolchain(built_project, cargo_target):
    check_all(built_project.sdk, cargo_target)


def test_hostile_text_compiles_everywhere_and_runs_nothing(tmp_path, cargo_target):
    proj = make_project(tmp_path / "proj", schemas=[])
    proj.write_schema("hostile", hostile_schema())
    run = proj.doit()
    assert run.returncode == 0, run.stderr + run.tasks.get("validate:hostile", {}).get("err", "")
    sdk = proj.sdk
    check_all(sdk, cargo_target)
    expected = hostile_schema()["catalogue"]["description"]

    # Python: the docstring is the exact text; the module holds no statement we did not write.
    module = sdk / "python/atomik/Compute/Test/minimal.py"
    tree = ast.parse(module.read_text())
    kinds = [type(node).__name__ for node in tree.body]
    assert kinds == ["Expr", "ImportFrom", "ImportFrom", "ImportFrom", "Assign", "ClassDef"], kinds
    code = (
        "from atomik.Compute.Test import Minimal\n"
        "import json, sys\n"
        "m = Minimal(); m.accumulate_wide(3)\n"
        "json.dump([Minimal.DESCRIPTION, m.reconstruct_wide()], sys.stdout)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=sdk / "python", capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    doc, state = json.loads(out.stdout)
    assert doc == expected
    assert state == (2**255 + 5) ^ 3

    # JavaScript: the exported description is the exact text.
    script = (
        "import { Compute } from './index.js';\n"
        "const m = new Compute.Test.Minimal(); m.accumulateWide(3n);\n"
        "console.log(JSON.stringify([Compute.Test.Minimal.DESCRIPTION, m.reconstructWide().toString()]));\n"
    )
    (sdk / "javascript/probe.mjs").write_text(script)
    node = require(NODE)
    out = subprocess.run([node, "probe.mjs"], cwd=sdk / "javascript", capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [expected, str((2**255 + 5) ^ 3)]

    # C: builds with -Werror and runs.
    exe = sdkcheck.c(
        sdk,
        main="int main(void) { atomik_compute_test_minimal_t m; atomik_compute_test_minimal_init(&m); return 0; }\n",
    )
    subprocess.run([str(exe)], cwd=sdk / "c", check=True)

    assert not list(tmp_path.rglob("PWNED")), "hostile text ran as code"
    assert not os.path.exists("PWNED")
