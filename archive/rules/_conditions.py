"""Conditions of the rule set: small boolean expressions over the facts of a case.

A condition is written in the rule file as text a utility's staff can read::

    applicant_is_agent
    tenant and not one_certificate_acceptance
    capacity_kva >= 315 or dual_source
    business_type == temporary

Grammar (``not`` binds tightest, then ``and``, then ``or``; parentheses group)::

    expr    := and ("or" and)*
    and     := unary ("and" unary)*
    unary   := "not" unary | "(" expr ")" | NAME [OP VALUE]
    OP      := >= | > | <= | < | == | !=

A bare NAME must be a yes/no fact; a comparison needs a number fact and a number, or a
text fact, ``==``/``!=`` and one of its values. Every name is checked against the facts
the rule file knows, so a typo fails when the file is loaded, not when a case is checked.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from archive._errors import ConditionSyntaxError

FactValue = bool | float | str


class FactKind(StrEnum):
    """What kind of value a fact holds."""

    flag = "flag"
    number = "number"
    text = "text"


@dataclass(frozen=True)
class FactSpec:
    """A fact conditions may use: its kind and, for text facts, its allowed values."""

    kind: FactKind
    values: frozenset[str] = frozenset()


_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
_TOKEN = re.compile(r"\s*(>=|<=|==|!=|>|<|\(|\)|[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?)")
_KEYWORDS = frozenset({"and", "or", "not"})


class Condition:
    """A parsed condition; ``holds(facts)`` evaluates it; ``str()`` gives its source text."""

    def __init__(self, source: str, node: _Node) -> None:
        self.source = source
        self._node = node

    def holds(self, facts: Mapping[str, FactValue]) -> bool:
        """Whether the condition is true of these facts (a missing flag is false)."""
        return self._node.holds(facts)

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        return f"Condition({self.source!r})"


class _Node(Protocol):
    def holds(self, facts: Mapping[str, FactValue]) -> bool: ...


@dataclass(frozen=True)
class _Flag:
    name: str

    def holds(self, facts: Mapping[str, FactValue]) -> bool:
        return facts.get(self.name) is True


@dataclass(frozen=True)
class _Compare:
    name: str
    op: str
    value: float | str

    def holds(self, facts: Mapping[str, FactValue]) -> bool:
        actual = facts.get(self.name)
        if isinstance(self.value, str):
            equal = actual == self.value
            return equal if self.op == "==" else not equal
        if isinstance(actual, bool) or not isinstance(actual, int | float):
            return False
        return _OPERATORS[self.op](float(actual), self.value)


@dataclass(frozen=True)
class _Not:
    operand: _Node

    def holds(self, facts: Mapping[str, FactValue]) -> bool:
        return not self.operand.holds(facts)


@dataclass(frozen=True)
class _All:
    operands: tuple[_Node, ...]

    def holds(self, facts: Mapping[str, FactValue]) -> bool:
        return all(operand.holds(facts) for operand in self.operands)


@dataclass(frozen=True)
class _Any:
    operands: tuple[_Node, ...]

    def holds(self, facts: Mapping[str, FactValue]) -> bool:
        return any(operand.holds(facts) for operand in self.operands)


def parse_condition(source: str, facts: Mapping[str, FactSpec]) -> Condition:
    """Parse ``source``; ConditionSyntaxError says what is wrong and what is allowed."""
    tokens = _tokenize(source)
    parser = _Parser(source, tokens, facts)
    node = parser.expression()
    if parser.position != len(tokens):
        raise ConditionSyntaxError(
            f"condition {source!r}: unexpected {tokens[parser.position]!r}; "
            "join conditions with 'and' or 'or'"
        )
    return Condition(source, node)


def _tokenize(source: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    text = source.rstrip()
    if not text:
        raise ConditionSyntaxError("a condition is empty; write a fact name such as tenant")
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ConditionSyntaxError(
                f"condition {source!r}: cannot read {text[position:].strip()!r}; use fact "
                "names, numbers, and, or, not, parentheses and >= > <= < == !="
            )
        tokens.append(match.group(1))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, source: str, tokens: list[str], facts: Mapping[str, FactSpec]) -> None:
        self.source = source
        self.tokens = tokens
        self.facts = facts
        self.position = 0

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> str:
        token = self._peek()
        if token is None:
            raise ConditionSyntaxError(f"condition {self.source!r} ends too early")
        self.position += 1
        return token

    def expression(self) -> _Node:
        operands = [self._conjunction()]
        while self._peek() == "or":
            self._take()
            operands.append(self._conjunction())
        return operands[0] if len(operands) == 1 else _Any(tuple(operands))

    def _conjunction(self) -> _Node:
        operands = [self._unary()]
        while self._peek() == "and":
            self._take()
            operands.append(self._unary())
        return operands[0] if len(operands) == 1 else _All(tuple(operands))

    def _unary(self) -> _Node:
        token = self._take()
        if token == "not":
            return _Not(self._unary())
        if token == "(":
            node = self.expression()
            if self._take() != ")":
                raise ConditionSyntaxError(f"condition {self.source!r}: missing ')'")
            return node
        return self._fact(token)

    def _fact(self, name: str) -> _Node:
        spec = self.facts.get(name)
        if name in _KEYWORDS or not name.isidentifier() or spec is None:
            raise ConditionSyntaxError(
                f"condition {self.source!r}: unknown fact {name!r}; known facts are "
                + ", ".join(sorted(self.facts))
            )
        if self._peek() not in _OPERATORS:
            if spec.kind is not FactKind.flag:
                raise ConditionSyntaxError(
                    f"condition {self.source!r}: {name} is a {spec.kind.value} fact; compare "
                    f"it, e.g. {name} {'>= 100' if spec.kind is FactKind.number else '== ...'}"
                )
            return _Flag(name)
        op, value = self._take(), self._take()
        return self._comparison(name, spec, op, value)

    def _comparison(self, name: str, spec: FactSpec, op: str, value: str) -> _Node:
        if spec.kind is FactKind.number:
            try:
                return _Compare(name, op, float(value))
            except ValueError:
                raise ConditionSyntaxError(
                    f"condition {self.source!r}: {name} is compared with a number, not {value!r}"
                ) from None
        if spec.kind is FactKind.text and op in ("==", "!=") and value in spec.values:
            return _Compare(name, op, value)
        if spec.kind is FactKind.text:
            raise ConditionSyntaxError(
                f"condition {self.source!r}: {name} {op} {value} is not allowed; use == or != "
                "with one of " + ", ".join(sorted(spec.values))
            )
        raise ConditionSyntaxError(
            f"condition {self.source!r}: {name} is a yes/no fact; write {name} or not {name}"
        )
