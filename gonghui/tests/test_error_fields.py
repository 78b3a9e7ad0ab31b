"""One error contract: a ``DomainError``'s ``field`` is the attribute name of what is wrong
(``wages_fen``, ``joined_on``), never a Chinese label or a file's column; an importer maps
it to its column through its one ``COLUMN_OF`` and ``core.importing.problem``, a page to its
form field through ``show_error(..., fields=...)``.

The guard reads the source: every literal ``field=`` given to a ``DomainError`` (or a
subclass) or to a parsing helper that raises one must look like an identifier, and nothing
rewrites an error's ``field`` after it is raised.
"""

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

from gonghui.core.coords import parse_crs
from gonghui.core.dates import parse_date
from gonghui.core.errors import DomainError
from gonghui.core.forms import show_error
from gonghui.core.importing import problem
from gonghui.core.money import yuan_to_fen
from gonghui.culture.importers import count_cell, month_cell
from gonghui.rights.services import check_uscc

ROOT = Path(__file__).resolve().parents[1]
ATTRIBUTE = re.compile(r"^[a-z_][a-z0-9_]*$")
# Helpers that raise a DomainError naming the ``field`` they are given.
HELPERS = {
    "yuan_to_fen": yuan_to_fen,
    "parse_date": parse_date,
    "parse_crs": parse_crs,
    "check_uscc": check_uscc,
    "count_cell": count_cell,
    "month_cell": month_cell,
}
# Where a helper takes ``field`` positionally: its position.
POSITIONAL_FIELD = {"count_cell": 1, "month_cell": 1}


def _sources() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if "tests" not in path.relative_to(ROOT).parts
        and "migrations" not in path.relative_to(ROOT).parts
    )


def _module_name(path: Path) -> str:
    return ".".join(("gonghui", *path.relative_to(ROOT).with_suffix("").parts))


def _error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """DomainError and every class that derives from it, by name, wherever defined."""
    names = {"DomainError"}
    grew = True
    while grew:
        grew = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names:
                    bases = {
                        b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                        for b in node.bases
                    }
                    if bases & names:
                        names.add(node.name)
                        grew = True
    return names


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _field_arguments(node: ast.Call, name: str) -> list[ast.expr]:
    found = [kw.value for kw in node.keywords if kw.arg == "field"]
    position = POSITIONAL_FIELD.get(name)
    if position is not None and len(node.args) > position:
        found.append(node.args[position])
    return found


def _bad_value(value: ast.expr, module: str) -> str | None:
    """What is wrong with a ``field`` argument, or None; a name bound at module level (a
    column constant such as ``DATE``) is looked up, a local variable cannot be."""
    if isinstance(value, ast.Constant):
        text = value.value
    elif isinstance(value, ast.Name):
        text = getattr(importlib.import_module(module), value.id, None)
        if not isinstance(text, str):
            return None
    else:
        return None
    if text is None or (isinstance(text, str) and ATTRIBUTE.match(text)):
        return None
    return repr(text)


@pytest.fixture(scope="module")
def trees() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in _sources()}


def test_every_error_field_in_the_source_names_an_attribute(trees):
    errors = _error_classes(trees)
    assert {"DomainError", "PermissionDenied", "ClaimRefused", "ServiceRefused"} <= errors
    wrong = []
    checked = 0
    for path, tree in trees.items():
        module = _module_name(path)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _called(node)
            if name not in errors and name not in HELPERS:
                continue
            for value in _field_arguments(node, name):
                checked += 1
                bad = _bad_value(value, module)
                if bad:
                    where = f"{path.relative_to(ROOT.parent)}:{node.lineno}"
                    wrong.append(f"{where} {name}(field={bad})")
    assert checked > 100  # the walk really saw the raises
    assert not wrong, "field= must name an attribute, not a label:\n" + "\n".join(wrong)


def test_nothing_rewrites_an_errors_field_after_it_is_raised(trees):
    """An importer that wants a column maps the attribute (``core.importing.problem``); it
    does not overwrite ``exc.field`` with the column, as importers once did."""
    rewrites = [
        f"{path.relative_to(ROOT.parent)}:{node.lineno}"
        for path, tree in trees.items()
        if path != ROOT / "core" / "errors.py"
        for node in ast.walk(tree)
        if isinstance(node, (ast.Assign, ast.AugAssign))
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Attribute)
        and target.attr == "field"
        and not (isinstance(target.value, ast.Name) and target.value.id == "self")
    ]
    assert not rewrites


@pytest.mark.parametrize("name", sorted(HELPERS))
def test_helpers_take_the_attribute_apart_from_the_label(name):
    parameters = inspect.signature(HELPERS[name]).parameters
    default = parameters["field"].default
    assert default in (inspect.Parameter.empty, None) or ATTRIBUTE.match(default)


def test_a_helpers_message_uses_the_label_and_its_error_names_the_attribute():
    with pytest.raises(DomainError) as bad_amount:
        yuan_to_fen("12.345", field="wages_fen", label="追回工资")
    assert bad_amount.value.field == "wages_fen"
    assert bad_amount.value.message == "追回工资“12.345”最多两位小数（精确到分）"
    with pytest.raises(DomainError) as bad_date:
        parse_date("2024-02-30", field="joined_on", label="入会日期")
    assert bad_date.value.field == "joined_on"
    assert bad_date.value.message == "入会日期“2024-02-30”不是有效日期（例：2024-03-01）"
    with pytest.raises(DomainError) as bad_crs:
        parse_crs("CGCS2000")
    assert (bad_crs.value.field, bad_crs.value.message) == (
        "crs",
        "坐标系“CGCS2000”应为 WGS84、GCJ02 或 BD09",
    )


def _importer_modules() -> list[str]:
    return sorted(_module_name(path) for path in ROOT.glob("*/importers.py"))


@pytest.mark.parametrize("module", _importer_modules())
def test_each_importers_mapping_goes_from_attributes_to_its_own_columns(module):
    found = importlib.import_module(module)
    columns = {
        text
        for value in vars(found).values()
        if isinstance(value, tuple) and all(isinstance(v, str) for v in value)
        for text in value
    }
    mappings = {
        name: value
        for name, value in vars(found).items()
        if name.endswith("COLUMN_OF") and isinstance(value, dict)
    }
    for name, mapping in mappings.items():
        assert all(ATTRIBUTE.match(key) for key in mapping), (module, name)
        assert set(mapping.values()) <= columns, (module, name)
    stale = {"RECOVERY_FIELDS", "_COLUMN_OF", "_COLUMN_OF_FIELD"} & set(vars(found))
    assert not stale, (module, stale)


def test_problem_puts_an_error_in_its_attributes_column_or_the_default():
    column_of = {"wages_fen": "追回工资（元）"}
    named = problem(3, DomainError("bad_amount", "x", field="wages_fen"), column_of, "身份证号")
    unnamed = problem(4, DomainError("not_on_case", "y"), column_of, "身份证号")
    assert (named.row, named.column, unnamed.column) == (3, "追回工资（元）", "身份证号")


def test_show_error_maps_an_attribute_to_the_forms_field():
    from django import forms

    class ClaimLike(forms.Form):
        claimed = forms.CharField()

    form = ClaimLike({"claimed": "0"})
    form.is_valid()
    show_error(
        form,
        DomainError("bad_amount", "申请金额须大于0", field="claimed_fen"),
        fields={"claimed_fen": "claimed"},
    )
    assert form.errors["claimed"] == ["申请金额须大于0"]
