"""Every path of a project, in one place: its sources (schemas/, atomik.toml, and cores/ and templates/ when
it overrides the shipped ones) and all of build/.

Paths are strings: task creation builds thousands of them on every `doit` call and pathlib is measurably
slower there. Stage code wraps them in Path where it needs file operations.
"""

from __future__ import annotations

import os
from pathlib import Path

CONFIG_FILE = "atomik.toml"
PACKAGE_CHECK = "_package"  # the stem of a language's whole-package check (schema stems cannot start with "_")
VECTORS_VIEW = "_vectors"  # views/_vectors/<stem>.json: what the shared test vectors depend on


class Layout:
    """Where a project's inputs are and where each stage writes. root: the folder holding dodo.py."""

    def __init__(self, root: str | Path):
        self.root = str(Path(root).resolve())
        self.build = f"{self.root}/build"
        self._local_cores: bool | None = None  # looked up once: task creation asks per schema
        self._local_templates: bool | None = None

    def __repr__(self) -> str:
        return f"Layout({self.root!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Layout) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    # ---- the project's own files ------------------------------------------------------------------------
    @property
    def schemas(self) -> str:
        return f"{self.root}/schemas"

    @property
    def config(self) -> str:
        return f"{self.root}/{CONFIG_FILE}"

    @property
    def learned(self) -> str:
        """knowledge/learned.json: what the feedback loop learned (outside build/: `make clean` keeps it)."""
        return f"{self.root}/knowledge/learned.json"

    @property
    def ledger(self) -> str:
        """knowledge/llm-ledger.jsonl: one line per model call (outside build/: budgets span runs and months)."""
        return f"{self.root}/knowledge/llm-ledger.jsonl"

    def schema(self, stem: str) -> str:
        return f"{self.schemas}/{stem}.json"

    def stems(self) -> list[str]:
        """Stems of every schema file, sorted."""
        try:
            names = os.listdir(self.schemas)
        except FileNotFoundError:
            return []
        return sorted(n[:-5] for n in names if n.endswith(".json") and os.path.isfile(f"{self.schemas}/{n}"))

    def core_file(self, shipped: str | Path, core: str, name: str) -> str:
        """A file of a shared FuseSoC core (the UART, the testbench clock): the project's own copy in
        cores/<core>/ when it has one, else the one shipped in the package folder `shipped`."""
        if self._local_cores is None:
            self._local_cores = os.path.isdir(f"{self.root}/cores")
        local = f"{self.root}/cores/{core}/{name}"
        return local if self._local_cores and os.path.exists(local) else f"{shipped}/{core}/{name}"

    def template_override(self, kind: str) -> str | None:
        """The project's own templates/<kind>/ (a language, or "board"), whose files replace the shipped
        templates of the same name; None when it has none."""
        if self._local_templates is None:
            self._local_templates = os.path.isdir(f"{self.root}/templates")
        folder = f"{self.root}/templates/{kind}"
        return folder if self._local_templates and os.path.isdir(folder) else None

    def display(self, path: str | Path) -> str:
        """A path as a person reads it: relative to the project root when inside it."""
        text = str(path)
        return text[len(self.root) + 1 :] if text.startswith(self.root + "/") else text

    # ---- the model stage --------------------------------------------------------------------------------
    def model(self, stem: str, kind: str) -> str:
        """build/model/<stem>.<kind>.json; kind: result, ident, model or source (the last valid document)."""
        return f"{self.build}/model/{stem}.{kind}.json"

    def clash(self, stem: str) -> str:
        return f"{self.build}/catalogue/{stem}.json"

    @property
    def catalogue_dir(self) -> str:
        return f"{self.build}/catalogue"

    def view(self, target: str, stem: str) -> str:
        return f"{self.build}/views/{target}/{stem}.json"

    def fingerprint(self, stage: str) -> str:
        return f"{self.build}/fingerprints/{stage}.txt"

    # ---- generated code -----------------------------------------------------------------------------------
    def sdk(self, language: str) -> str:
        return f"{self.build}/sdk/{language}"

    def manifest(self, kind: str, stem: str) -> str:
        """sha256 of every file one task wrote; kind: a language, "cores" or "board"."""
        return f"{self.build}/manifests/{kind}/{stem}.json"

    def vectors(self, stem: str, suffix: str) -> str:
        return f"{self.build}/vectors/{stem}.{suffix}"

    def regressions(self, stem: str) -> str:
        """regressions/<stem>.txt: operation sequences that once caught a failure (a proof's counterexample), kept
        in the project (commit it) and replayed by every SDK as scenarios of the shared vectors."""
        return f"{self.root}/regressions/{stem}.txt"

    @property
    def vectors_dir(self) -> str:
        return f"{self.build}/vectors"

    # ---- checks ---------------------------------------------------------------------------------------------
    def report(self, kind: str, stem: str) -> str:
        """build/reports/<kind>-<stem>.json; kind: verify-<lang>, sim-uart, synth or hwtest."""
        return f"{self.build}/reports/{kind}-{stem}.json"

    def log(self, task: str) -> str:
        return f"{self.build}/logs/{task.replace(':', '-')}.log"

    def work(self, kind: str, stem: str) -> str:
        """Scratch folder of one check (compiled tests, Edalize work roots)."""
        return f"{self.build}/verify/{kind}/{stem}"

    def tool_cache(self, name: str) -> str:
        """A tool's own cache, shared by every check of a language (a language folder names its folder)."""
        return f"{self.build}/{name}"

    # ---- hardware ---------------------------------------------------------------------------------------------
    def core_dir(self, key: str) -> str:
        return f"{self.build}/cores/{key}"

    @property
    def cores_dir(self) -> str:
        return f"{self.build}/cores"

    def board_dir(self, key: str) -> str:
        return f"{self.build}/board/{key}"

    def synth_dir(self, stem: str) -> str:
        return f"{self.build}/synth/{stem}"

    # ---- the feedback loop ------------------------------------------------------------------------------------
    @property
    def feedback(self) -> str:
        return f"{self.build}/feedback"

    def attempts(self, task: str) -> str:
        """What the feedback loop tried for one task in its last run (retries, seeds, repairs)."""
        return f"{self.feedback}/attempts/{task.replace(':', '-')}.json"

    def escalation(self, task: str) -> str:
        """A failure handed to a person (or a model): its class, excerpt and the knowledge base's advice."""
        return f"{self.feedback}/escalations/{task.replace(':', '-')}.json"

    def scratch(self, task: str) -> str:
        """A copy of the project where a model's proposed fix is tried before anything real changes."""
        return f"{self.feedback}/scratch/{task.replace(':', '-')}"

    def original(self, stem: str, stamp: str) -> str:
        """A schema as it was before `doit fix --apply` changed it."""
        return f"{self.feedback}/originals/{stem}.{stamp}.json"

    # ---- reports and doit's state ---------------------------------------------------------------------------
    @property
    def reports(self) -> str:
        return f"{self.build}/reports"

    @property
    def runs(self) -> str:
        """build/reports/runs/: one run record per run (the last 200), the history `doit optimize` reads."""
        return f"{self.reports}/runs"

    @property
    def trace(self) -> str:
        """The last run that executed something, as a Chrome Trace Event profile."""
        return f"{self.reports}/trace.json"

    @property
    def durations(self) -> str:
        """Each long task's last duration: a plain run starts the long ones first."""
        return f"{self.reports}/durations.json"

    @property
    def optimize_report(self) -> str:
        return f"{self.reports}/optimize.md"

    @property
    def metrics(self) -> str:
        return f"{self.build}/metrics.jsonl"

    @property
    def context(self) -> str:
        return f"{self.build}/context.json"

    @property
    def doit_db(self) -> str:
        return f"{self.build}/doit.sqlite3"

    # ---- everything one schema left behind ----------------------------------------------------------------
    def built_stems(self) -> list[str]:
        """Stems that have a model stage result in build/ (whether or not their schema file still exists)."""
        try:
            names = os.listdir(f"{self.build}/model")
        except FileNotFoundError:
            return []
        return sorted(n[: -len(".result.json")] for n in names if n.endswith(".result.json"))

    def manifest_base(self, kind: str, key: str) -> str:
        """The folder a manifest's paths are relative to."""
        return {"cores": self.cores_dir, "board": self.board_dir(key)}.get(kind, self.sdk(kind))

    def outputs_of(self, stem: str, key: str | None) -> tuple[list[str], list[str]]:
        """(files, folders) under build/ that belong to one schema, besides what its manifests list.
        key: its identity key when it had a valid identity (board, cores)."""
        views = _subdirs(f"{self.build}/views")
        files = [self.model(stem, k) for k in ("result", "ident", "model", "source")]
        files += [self.clash(stem), self.vectors(stem, "txt"), self.vectors(stem, "hex")]
        files += [self.view(v, stem) for v in views]
        kinds = [f"verify-{lang}" for lang in views if not lang.startswith("_")] + ["sim-uart", "synth", "hwtest"]
        files += [self.report(kind, stem) for kind in kinds]
        files += [self.log(f"{kind.replace('-', ':', 1)}:{stem}") for kind in kinds]
        folders = [self.work(kind, stem) for kind in _subdirs(f"{self.build}/verify")] + [self.synth_dir(stem)]
        if key:
            folders += [self.board_dir(key), self.core_dir(key)]
        return files, folders


def _subdirs(folder: str) -> list[str]:
    try:
        return sorted(e.name for e in os.scandir(folder) if e.is_dir())
    except FileNotFoundError:
        return []
