"""`Condition`: the tiny expression language of `shown_when` / `required_when`.

Conditions come from project files that people upload, so they are never handed to eval/exec.
`ast.parse(mode="eval")` does the tokenising and precedence, and the tree is then checked against a
short whitelist and interpreted by `_eval` below; nothing else in Python is reachable.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

# Long or deeply nested input could exhaust the parser's recursion; real conditions are one line.
_MAX_SOURCE = 1000
_MAX_DEPTH = 32

_OPS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}
_BOOL_NAMES = {"true": True, "false": False}
_DESCRIBE: dict[type[ast.AST], str] = {
    ast.Call: "function calls",
    ast.Attribute: "attribute access",
    ast.Subscript: "indexing",
    ast.Lambda: "lambdas",
    ast.BinOp: "arithmetic",
    ast.Dict: "dict literals",
    ast.Set: "set literals",
    ast.IfExp: "if-expressions",
    ast.NamedExpr: "assignments",
    ast.JoinedStr: "f-strings",
    ast.ListComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.Starred: "starred expressions",
    ast.UnaryOp: "an operator other than `not` or a minus sign on a number",
    ast.Compare: "a comparison used as a value",
    ast.BoolOp: "and/or used as a value",
}


class ConditionSyntaxError(ValueError):
    """A condition string is not valid in the condition language."""


class Condition:
    """A boolean test over earlier answers, e.g. `accuracy <= 2 and verdict != "safe"`.

    Grammar: comparisons (`==`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `not in`, chains like `1 <= x <= 3`)
    between question keys and literals (integers, floats, strings, lists, `true` / `false`), combined
    with `and`, `or`, `not` and parentheses. Serialises back to its source string.

    Attributes: `source` (the text, whitespace collapsed) and `names` (the question keys it reads).
    """

    __slots__ = ("_tree", "names", "source")

    def __init__(self, source: str) -> None:
        if not isinstance(source, str):
            raise ConditionSyntaxError(f"expected a condition string, got {type(source).__name__}")
        text = " ".join(source.split())
        if not text:
            raise ConditionSyntaxError("empty condition")
        if len(text) > _MAX_SOURCE:
            raise ConditionSyntaxError(f"condition is longer than {_MAX_SOURCE} characters")
        try:
            tree = ast.parse(text, mode="eval")
        except SyntaxError as exc:
            raise ConditionSyntaxError(f"invalid condition {text!r}: {exc.msg}") from None
        except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, pathological nesting
            raise ConditionSyntaxError(f"invalid condition {text!r}: {exc}") from None
        names: list[str] = []
        _check(tree.body, names, 0)
        self.source = text
        self.names = frozenset(names)
        self._tree = tree.body

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        """True when the condition holds; any comparison that involves an unanswered question is False."""
        return bool(_eval(self._tree, answers))

    def comparisons(self) -> Iterator[tuple[str, str, list[Any]]]:
        """`(key, operator, literal values)` for each comparison of a question key with literals.

        Lets the spec check literals against the question they test (e.g. an option that does not exist).
        """
        for node in ast.walk(self._tree):
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            for i, op in enumerate(node.ops):
                pair = (operands[i], operands[i + 1])
                for a, b in (pair, pair[::-1]):
                    if isinstance(a, ast.Name) and _is_key(a) and not _is_key(b):
                        yield a.id, _OPS[type(op)], _flatten(_literal(b))

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        return f"Condition({self.source!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Condition) and other.source == self.source

    def __hash__(self) -> int:
        return hash(self.source)

    @classmethod
    def __get_pydantic_core_schema__(cls, source_type: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._coerce, serialization=core_schema.plain_serializer_function_ser_schema(str)
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "description": "condition, e.g. `accuracy <= 2`"}

    @classmethod
    def _coerce(cls, value: Any) -> Condition:
        return value if isinstance(value, Condition) else cls(value)


def _check(node: ast.AST, names: list[str], depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise ConditionSyntaxError("condition is nested too deeply")
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _check(value, names, depth + 1)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _check(node.operand, names, depth + 1)
    elif isinstance(node, ast.Compare):
        for op in node.ops:
            if type(op) not in _OPS:
                raise ConditionSyntaxError("only ==, !=, <, <=, >, >=, in and not in comparisons are allowed")
        for operand in (node.left, *node.comparators):
            _check_operand(operand, names)
    elif isinstance(node, ast.Name) and node.id in _BOOL_NAMES:
        pass
    else:
        raise ConditionSyntaxError(f"expected a comparison such as `key == value`, got {_what(node)}")


def _is_key(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id not in _BOOL_NAMES


def _check_operand(node: ast.AST, names: list[str]) -> None:
    if isinstance(node, ast.Name) and _is_key(node):
        names.append(node.id)
    else:
        _literal(node)


def _literal(node: ast.AST) -> Any:
    """The value of a literal node; raises for anything that is not a plain literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, bool | int | float | str):
        if isinstance(node.value, float) and not math.isfinite(node.value):
            raise ConditionSyntaxError("numbers in conditions must be finite")
        return node.value
    if isinstance(node, ast.Name) and node.id in _BOOL_NAMES:
        return _BOOL_NAMES[node.id]
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub | ast.UAdd)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, int | float)
        and not isinstance(node.operand.value, bool)
    ):
        return -node.operand.value if isinstance(node.op, ast.USub) else node.operand.value
    if isinstance(node, ast.List | ast.Tuple):
        if any(isinstance(elt, ast.List | ast.Tuple) for elt in node.elts):
            raise ConditionSyntaxError("lists in conditions cannot be nested")
        return [_literal(elt) for elt in node.elts]
    raise ConditionSyntaxError(f"expected a question key or a literal, got {_what(node)}")


def _flatten(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _what(node: ast.AST) -> str:
    for kind, text in _DESCRIBE.items():
        if isinstance(node, kind):
            return text
    if isinstance(node, ast.Constant):
        return f"literal {node.value!r}"
    return type(node).__name__


def _eval(node: ast.AST, answers: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            return all(_eval(v, answers) for v in node.values)
        return any(_eval(v, answers) for v in node.values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return not _eval(node.operand, answers)
    if isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        return all(
            _compare(_OPS[type(op)], _value(operands[i], answers), _value(operands[i + 1], answers))
            for i, op in enumerate(node.ops)
        )
    if isinstance(node, ast.Name) and node.id in _BOOL_NAMES:
        return _BOOL_NAMES[node.id]
    raise AssertionError(f"unchecked node {node!r}")  # _check admits nothing else


_MISSING = object()


def _value(node: ast.AST, answers: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Name) and _is_key(node):
        value = answers.get(node.id)
        if value is None or value == "" or value == []:
            return _MISSING
        # A compare answer is tested by its winner: `overall == "A"`.
        if isinstance(value, dict) and "winner" in value:
            return value["winner"]
        # A span answer is tested by its labels: `"hallucination" in issues`.
        if isinstance(value, list) and all(isinstance(v, dict) and "label" in v for v in value):
            return [v["label"] for v in value]
        return value
    return _literal(node)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is _MISSING or right is _MISSING:
        return False
    if op in ("in", "not in"):
        if not isinstance(right, list):
            return False
        hit = any(item in right for item in left) if isinstance(left, list) else left in right
        return hit if op == "in" else not hit
    if op in ("==", "!="):
        # A multiple-choice answer equals a string when that option is selected.
        if isinstance(left, list) != isinstance(right, list):
            seq, item = (left, right) if isinstance(left, list) else (right, left)
            hit = item in seq
        else:
            hit = left == right and isinstance(left, bool) == isinstance(right, bool)
        return hit if op == "==" else not hit
    comparable = (_is_number(left) and _is_number(right)) or (isinstance(left, str) and isinstance(right, str))
    if not comparable:
        return False
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left >= right)
