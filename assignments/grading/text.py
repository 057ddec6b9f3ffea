"""Text that came from a student, made harmless before anyone reads it.

Three places show text a student may have chosen: feedback messages (an author's message
can print a student's value), the gradebook and feedback headers (file names), and the
instructor's logs (whatever the notebook printed). None may carry a terminal escape, a
bidirectional override that reorders what a reader sees, or a line break that forges a
line of the grader's own.

* :func:`visible` writes every control and format character (Unicode categories Cc, Cf,
  Zl, Zp, and unassigned or private ones) as a ``\\u`` escape, keeping only the line breaks
  and tabs asked for.
* :class:`StudentText` stands in for every string in a student's answers while they are
  scored (:func:`student_values`): compared, it is the student's string with those
  characters escaped; formatted into a message, it shows as its ``repr``, on one line,
  capped.
"""

from __future__ import annotations

import unicodedata

HIDDEN = frozenset(("Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp"))
SHOWN_CHARACTERS = 60  # of a student's string inside a message


_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str, keep: str = "") -> str:
    r"""``text`` with every control or format character escaped, except those in ``keep``.

    Example:
        >>> visible("ok\x1b[31m\u202eevil\nnext", keep="\n")
        'ok\\x1b[31m\\u202eevil\nnext'
    """
    return "".join(
        char if char in keep or unicodedata.category(char) not in HIDDEN else _escape(char)
        for char in text
    )


def capped(text: str, limit: int) -> str:
    """``text``, or its first ``limit - 3`` characters and ``...``."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


class StudentText(str):
    r"""A string from a student's answer: its control and format characters escaped, and
    formatted into a message as a short quoted string.

    Compared, it is the student's string with those characters escaped, so a test that
    turns it into something else (``np.asarray``, ``+``) cannot bring a raw line break or
    escape sequence back; no answer needs one.

    Example:
        >>> forged = StudentText("3\n\nScore: 12 / 12")
        >>> forged == "3\\n\\nScore: 12 / 12", f"got {forged}"
        (True, "got '3\\n\\nScore: 12 / 12'")
    """

    __slots__ = ()

    def __new__(cls, text: str):
        return super().__new__(cls, visible(text))

    def _shown(self) -> str:
        return f"'{capped(str.__str__(self), SHOWN_CHARACTERS)}'"

    def __str__(self) -> str:
        return self._shown()

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        return format(self._shown(), spec)


def student_values(value):
    r"""``value`` with every string in it (containers included) made a :class:`StudentText`.

    Example:
        >>> student_values({"a": ["x\n", 1]}) == {"a": ["x\\n", 1]}
        True
    """
    if isinstance(value, str):
        return StudentText(value)
    if isinstance(value, (list, tuple)):
        items = [student_values(item) for item in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {student_values(k): student_values(v) for k, v in value.items()}
    return value
