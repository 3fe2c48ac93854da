"""The required-document rules: their model, their condition language and the YAML loader."""

from archive.rules._loader import (
    RuleSetError,
    case_facts,
    load_rule_book,
    parse_rule_book,
    rule_set_for,
)
from archive.rules._model import RuleBook, RuleSet

__all__ = [
    "RuleBook",
    "RuleSet",
    "RuleSetError",
    "case_facts",
    "load_rule_book",
    "parse_rule_book",
    "rule_set_for",
]
