"""The required-document rules: their model, their condition language and the YAML loader."""

from archive._errors import ConditionSyntaxError, RuleSetError
from archive.rules._loader import (
    case_facts,
    load_rule_book,
    parse_rule_book,
    rule_set_for,
)
from archive.rules._model import RuleBook, RuleSet

__all__ = [
    "ConditionSyntaxError",
    "RuleBook",
    "RuleSet",
    "RuleSetError",
    "case_facts",
    "load_rule_book",
    "parse_rule_book",
    "rule_set_for",
]
