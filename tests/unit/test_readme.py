"""README.md stays true: every setting is documented and the two commands are the Makefile's."""

import re
from pathlib import Path

from core import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_configuration_table() -> None:
    documented = set(re.findall(r"`YEKUO_([A-Z0-9_]+)`", README))
    fields = {name.upper() for name in Settings.model_fields}
    assert fields - documented == set(), "document these settings in README.md"
    assert documented - fields == set(), "README.md documents settings that do not exist"


def test_the_two_commands_are_make_targets() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("run", "test"):
        assert f"make {target}" in README
        assert re.search(rf"^{target}:", makefile, re.MULTILINE)


def test_the_file_map_names_every_package_folder() -> None:
    mapped = set(re.findall(r"^\| `([a-z_/]+)/` \|", README, re.MULTILINE))
    packages = {
        str(init.parent.relative_to(ROOT))
        for init in ROOT.glob("*/**/__init__.py")
        if init.parent.parts[-1] not in {"__pycache__"}
        and not str(init.relative_to(ROOT)).startswith(("tests/", ".venv/", "bench/"))
    }
    assert packages - mapped == set(), "add these package folders to README.md's file map"
    assert {m for m in mapped if not (ROOT / m).is_dir()} == set(), (
        "README.md maps folders that do not exist"
    )
