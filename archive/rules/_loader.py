"""Loading the rule set: the default shipped in ``archive/rules`` or a utility's own file.

A broken rule file is an error at start-up that names the file, the line and the problem,
never a silent pass. A case is checked against the version in force on the day it was
accepted (受理), unless a reviewer re-based it on another version.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pydantic
import yaml

from archive._errors import RuleSetError, ValidationError
from archive.db._models import Case
from archive.rules._conditions import FactValue
from archive.rules._model import RuleBook, RuleSet, validation_context

DEFAULT_RULES = "archive/rules/default.yaml"


def load_rule_book(path: Path | None = None) -> RuleBook:
    """The rule book in ``path``, or the shipped default; RuleSetError if it is broken.

    Files are read once per process (the rules change with a deployment, not a request).
    """
    return _load_cached(str(path) if path is not None else None)


@lru_cache(maxsize=8)
def _load_cached(path: str | None) -> RuleBook:
    if path is None:
        text = resources.files("archive").joinpath("rules/default.yaml").read_text("utf-8")
        return parse_rule_book(text, source=DEFAULT_RULES)
    try:
        text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise RuleSetError(
            f"cannot read the rule file {path} ({exc.strerror}); fix YEKUO_RULES_FILE or unset "
            "it to use the shipped rules"
        ) from exc
    return parse_rule_book(text, source=path)


def parse_rule_book(text: str, *, source: str) -> RuleBook:
    """Validate the YAML ``text`` of a rule file; ``source`` names it in error messages."""
    try:
        raw = yaml.safe_load(text)
        tree = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        raise RuleSetError(f"{source}:{line}: not valid YAML: {exc.problem}") from exc
    if not isinstance(raw, dict):
        raise RuleSetError(f"{source}:1: a rule file is a mapping with versions: [...]")
    try:
        return RuleBook.model_validate(raw, context=validation_context(raw))
    except pydantic.ValidationError as exc:
        raise RuleSetError(_describe(exc, tree, source)) from exc


def _describe(error: pydantic.ValidationError, tree: yaml.Node | None, source: str) -> str:
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        where = ".".join(str(part) for part in loc if _is_path_part(part)) or "top level"
        message = str(item["msg"]).removeprefix("Value error, ")
        problems.append(f"{source}:{_line_of(tree, loc)}: {where}: {message}")
    return "the rule file is not valid:\n" + "\n".join(problems)


def _is_path_part(part: Any) -> bool:
    # pydantic adds the member of a union it tried (``int``, ``list[TimeLimit]``) to a loc.
    return isinstance(part, int) or ("[" not in str(part) and str(part) not in {"int", "str"})


def _line_of(tree: yaml.Node | None, loc: tuple[Any, ...]) -> int:
    """The 1-based line of the deepest YAML node on the path ``loc``."""
    node = tree
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if 0 <= part < len(node.value) else None
        if child is None:
            continue
        node, line = child, child.start_mark.line + 1
    return line


def case_facts(case: Case) -> dict[str, FactValue]:
    """The facts of a case that conditions read: its record and what a reviewer recorded."""
    facts: dict[str, FactValue] = {
        name: value for name, value in (case.facts or {}).items() if isinstance(value, bool)
    }
    facts.update(
        category=case.category,
        business_type=case.business_type,
        capacity_kva=float(case.capacity_kva),
        applicant_is_organisation=bool(case.customer.credit_code),
    )
    return facts


def check_facts(facts: Mapping[str, bool], book: RuleBook) -> None:
    """ValidationError naming the declared facts if ``facts`` has one the rule file lacks."""
    unknown = sorted(set(facts) - set(book.facts))
    if unknown:
        raise ValidationError(
            f"unknown fact(s) {', '.join(unknown)}; the rule file declares "
            + ", ".join(sorted(book.facts)),
            message_zh="规则文件没有定义所选的案件情形：请从页面列出的案件情形中选择",
        )


def rule_set_for(book: RuleBook, case: Case) -> RuleSet:
    """The version a case is checked against: its re-based one, or the one in force."""
    if case.rules_version:
        chosen = book.named(case.rules_version)
        if chosen is None:
            raise ValidationError(
                f"case {case.case_no} is based on rule version {case.rules_version}, which the "
                f"rule file no longer has (it has {_versions(book)}); re-base the case"
            )
        return chosen
    in_force = book.in_force_on(case.accepted_on)
    if in_force is None:
        raise ValidationError(
            f"no rule version was in force on {case.accepted_on.isoformat()}, when case "
            f"{case.case_no} was accepted (versions: {_versions(book)}); re-base the case on a "
            "version or add an older version to the rule file"
        )
    return in_force


def _versions(book: RuleBook) -> str:
    return ", ".join(f"{r.version} from {r.effective_from.isoformat()}" for r in book.versions)
