import inspect
import textwrap

import relulib
from relulib.display import markdown_table, show_source, source_without_docstring


def test_source_is_the_installed_code_without_its_docstring():
    shown = source_without_docstring(relulib.relu)
    assert shown.startswith("def relu(x):")
    assert relulib.relu.__doc__.strip().splitlines()[0] not in shown
    code_lines = [line for line in shown.splitlines()[1:] if line.strip()]
    assert all(line in inspect.getsource(relulib.relu) for line in code_lines)
    assert "return" in shown


def test_function_without_docstring_is_shown_whole():
    def plain(x):
        return x

    assert source_without_docstring(plain) == textwrap.dedent(inspect.getsource(plain))


def test_show_source_can_keep_the_docstring():
    assert (
        relulib.relu.__doc__.strip().splitlines()[0]
        in show_source(relulib.relu, docstring=True).data
    )


def test_markdown_table_has_a_header_rule_and_one_line_per_row():
    lines = markdown_table(["a", "b"], [[1, "x"], [2.5, None]]).data.splitlines()
    assert lines == ["| a | b |", "| --- | --- |", "| 1 | x |", "| 2.5 | None |"]
