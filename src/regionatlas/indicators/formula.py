"""A tiny, safe expression language for derived indicators: ids, numbers, + - * / ( )."""

from __future__ import annotations

import ast
import re
from typing import cast

import numpy as np

from regionatlas.errors import InputError

# indicator ids may contain a dot for a group (out_commuters.women); map them to names
_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?")
_OPS = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide}


def _encode(expr: str) -> str:
    return _ID.sub(lambda m: m.group(0).replace(".", "__dot__"), expr)


def _parse(expr: str) -> ast.Expression:
    try:
        tree = ast.parse(_encode(expr), mode="eval")
    except SyntaxError as exc:
        raise InputError(f"formula {expr!r}: {exc.msg}") from exc
    for node in ast.walk(tree):
        ok = isinstance(
            node,
            ast.Expression
            | ast.BinOp
            | ast.Name
            | ast.Constant
            | ast.Load
            | ast.UnaryOp
            | ast.USub
            | ast.operator,
        )
        if not ok or (isinstance(node, ast.operator) and type(node) not in _OPS):
            raise InputError(f"formula {expr!r}: only ids, numbers, + - * / and () are allowed")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            raise InputError(f"formula {expr!r}: only numeric constants are allowed")
    return tree


def formula_inputs(expr: str) -> set[str]:
    """Indicator ids used by a formula."""
    tree = _parse(expr)
    return {n.id.replace("__dot__", ".") for n in ast.walk(tree) if isinstance(n, ast.Name)}


def evaluate(expr: str, columns: dict[str, np.ndarray]) -> np.ndarray:
    """Evaluate element-wise over float arrays; division by zero gives NaN (not inf)."""
    tree = _parse(expr)

    def ev(node: ast.AST) -> np.ndarray | float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return float(cast(float, node.value))  # _parse admits numeric constants only
        if isinstance(node, ast.Name):
            return np.asarray(columns[node.id.replace("__dot__", ".")], dtype=float)
        if isinstance(node, ast.UnaryOp):
            return -ev(node.operand)
        assert isinstance(node, ast.BinOp)
        left, right = ev(node.left), ev(node.right)
        if isinstance(node.op, ast.Div):
            with np.errstate(divide="ignore", invalid="ignore"):
                out = np.divide(left, right)
            return np.where(np.asarray(right) == 0, np.nan, out)
        return _OPS[type(node.op)](left, right)

    return np.asarray(ev(tree), dtype=float)
