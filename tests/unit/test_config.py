"""atomik.toml: declared once, checked against its JSON Schema, one clear line per mistake."""

from __future__ import annotations

import jsonschema
import pytest
from projects import ROOT

from atomik_tasks import config
from atomik_tasks.errors import ConfigError
from atomik_tasks.layout import Layout


def load(tmp_path, text: str | None, **env: str):
    if text is not None:
        (tmp_path / "atomik.toml").write_text(text)
    (tmp_path / "build").mkdir(exist_ok=True)
    return config.load(Layout(tmp_path))


def test_defaults_without_a_file(tmp_path):
    cfg = load(tmp_path, None)
    assert cfg.hardware.board == "tangnano9k" and cfg.hardware.baud == 115200 and cfg.hardware.simulate is True
    assert cfg.reports.fail_on_critical is False


def test_file_values_override_defaults(tmp_path):
    cfg = load(tmp_path, '[hardware]\nbaud = 9600\nsynthesize = "never"\n[reports]\nfail_on_critical = true\n')
    assert (cfg.hardware.baud, cfg.hardware.synthesize, cfg.reports.fail_on_critical) == (9600, "never", True)
    assert cfg.hardware.flow == "open"  # untouched keys keep their default


def test_the_flow_names_from_before_families_still_read(tmp_path):
    """flow = "apicula" / "gowin" were the settings while Gowin was the only family: they read as open/vendor."""
    assert load(tmp_path, '[hardware]\nflow = "apicula"\n').hardware.flow == "open"
    assert load(tmp_path, '[hardware]\nflow = "gowin"\n').hardware.flow == "vendor"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[hardware]\nsynthesise = "never"\n', '[hardware] synthesise: unknown key; did you mean "synthesize"?'),
        (
            '[hardware]\nsynthesize = "nope"\n',
            '[hardware] synthesize = "nope": must be one of "auto", "always", "never"',
        ),
        (
            '[hardware]\nflow = "vendr"\n',
            'flow = "vendr": must be one of "open", "vendor"; did you mean "vendor"?',
        ),
        ('[hardware]\nbaud = "fast"\n', '[hardware] baud = "fast": must be an integer'),
        ("[hardwar]\nbaud = 1\n", '[hardwar]: unknown table; did you mean "hardware"?'),
        ("[hardware\nbaud = 1\n", "atomik.toml: not valid TOML: "),
    ],
)
def test_mistakes_name_file_key_and_what_is_allowed(tmp_path, text, message):
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text)
    assert str(info.value).startswith("atomik.toml: ") and message in str(info.value)
    assert len(str(info.value).splitlines()) == 1


def test_environment_overrides_are_checked_too(tmp_path, monkeypatch):
    monkeypatch.setenv("ATOMIK_TIMING", "fail")
    assert load(tmp_path, None).hardware.timing == "fail"
    monkeypatch.setenv("ATOMIK_TIMING", "sometimes")
    with pytest.raises(ConfigError, match="ATOMIK_TIMING=sometimes: must be one of warn, fail"):
        load(tmp_path, None)


def test_a_checked_file_is_not_checked_again_until_it_changes(tmp_path):
    load(tmp_path, "[hardware]\nbaud = 9600\n")
    stamp = tmp_path / "build" / ".config-valid"
    assert stamp.exists()
    (tmp_path / "atomik.toml").write_text("[hardware]\nbaud = 19200\nnope = 1\n")
    with pytest.raises(ConfigError, match="nope: unknown key"):
        load(tmp_path, None)


def test_the_json_schema_is_the_declaration():
    schema = config.json_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    defaults = {o.section: {} for o in config.OPTIONS}
    for o in config.OPTIONS:
        defaults[o.section][o.key] = o.default
    jsonschema.validate(defaults, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"hardware": {"program": "eeprom"}}, schema)


def test_shipped_file_and_readme_table_come_from_the_declaration():
    import tomllib

    assert (ROOT / "atomik.toml").read_text() == config.default_toml()
    assert config.markdown_table() in (ROOT / "README.md").read_text()
    parsed = tomllib.loads(config.default_toml())
    assert {(s, k) for s, t in parsed.items() for k in t} == {(o.section, o.key) for o in config.OPTIONS}


def test_a_config_mistake_ends_doit_with_one_line(tmp_path):
    import shutil
    import subprocess
    import sys

    shutil.copy(ROOT / "dodo.py", tmp_path / "dodo.py")
    (tmp_path / "schemas").mkdir()
    for text, message in (
        ('[hardware]\nsynthesise = "never"\n', 'synthesise: unknown key; did you mean "synthesize"?'),
        ("[hardware\n", "atomik.toml: not valid TOML"),
        ('[hardware]\nboard = "nope"\n', "unknown board 'nope'; known: icebreaker, tangnano20k, tangnano9k"),
    ):
        (tmp_path / "atomik.toml").write_text(text)
        proc = subprocess.run([sys.executable, "-m", "doit", "list"], cwd=tmp_path, capture_output=True, text=True)
        assert proc.returncode == 2
        assert proc.stderr.count("\n") == 1 and message in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr


def test_the_board_model_explains_itself():
    import subprocess
    import sys

    mod = [sys.executable, "-m", "atomik_tasks.hardware.boardmodel"]
    assert (
        "build/views/_vectors/<schema>.json" in subprocess.run([*mod, "--help"], capture_output=True, text=True).stdout
    )
    proc = subprocess.run([*mod, "/nonexistent.json"], capture_output=True, text=True)
    assert proc.returncode == 2 and "cannot read /nonexistent.json" in proc.stderr and "Traceback" not in proc.stderr
