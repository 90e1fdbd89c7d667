"""Where things live. A project root holds schemas/, templates/, cores/ and build/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def schemas(self) -> Path:
        return self.root / "schemas"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def model_dir(self) -> Path:
        return self.build / "model"

    @property
    def catalogue_dir(self) -> Path:
        return self.build / "catalogue"

    def view(self, target: str, stem: str) -> Path:
        return self.build / "views" / target / f"{stem}.json"

    def sdk(self, target: str) -> Path:
        return self.build / "sdk" / target

    def manifest(self, target: str, stem: str) -> Path:
        return self.build / "manifests" / target / f"{stem}.json"

    def result(self, stem: str) -> Path:
        return self.model_dir / f"{stem}.result.json"

    def model(self, stem: str) -> Path:
        return self.model_dir / f"{stem}.model.json"

    def ident(self, stem: str) -> Path:
        return self.model_dir / f"{stem}.ident.json"

    def clash(self, stem: str) -> Path:
        return self.catalogue_dir / f"{stem}.json"

    def schema_files(self) -> list[Path]:
        return sorted(self.schemas.glob("*.json"))
