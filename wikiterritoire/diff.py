"""Line diff of two texts with the changed words highlighted inside changed lines."""

import difflib
import re
from dataclasses import dataclass
from html import escape

#: Unchanged lines shown around each change; longer unchanged runs are folded.
CONTEXT = 2
_WORDS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass
class Row:
    """One row of a side-by-side diff; html fields are escaped and safe to insert."""

    kind: str  # "equal", "delete", "insert", "change" or "fold"
    old_no: int | None = None
    new_no: int | None = None
    old_html: str = ""
    new_html: str = ""


def _words_diff(old: str, new: str) -> tuple[str, str]:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    old_out, new_out = [], []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        left, right = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if op == "equal":
            old_out.append(left)
            new_out.append(right)
            continue
        if left:
            old_out.append(f"<del>{left}</del>")
        if right:
            new_out.append(f"<ins>{right}</ins>")
    return "".join(old_out), "".join(new_out)


def diff_rows(old_text: str, new_text: str) -> list[Row]:
    """Rows of a side-by-side diff from `old_text` to `new_text`."""
    old, new = old_text.splitlines(), new_text.splitlines()
    rows: list[Row] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for group in matcher.get_grouped_opcodes(CONTEXT):
        if rows:
            rows.append(Row("fold"))
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                for k in range(i2 - i1):
                    line = escape(old[i1 + k])
                    rows.append(Row("equal", i1 + k + 1, j1 + k + 1, line, line))
            elif op == "delete":
                rows.extend(Row("delete", i + 1, None, escape(old[i])) for i in range(i1, i2))
            elif op == "insert":
                rows.extend(
                    Row("insert", None, j + 1, new_html=escape(new[j])) for j in range(j1, j2)
                )
            else:
                rows.extend(_paired_changes(old, new, i1, i2, j1, j2))
    return rows


def _paired_changes(old, new, i1, i2, j1, j2) -> list[Row]:
    rows = []
    for k in range(max(i2 - i1, j2 - j1)):
        i, j = i1 + k, j1 + k
        if i < i2 and j < j2:
            old_html, new_html = _words_diff(old[i], new[j])
            rows.append(Row("change", i + 1, j + 1, old_html, new_html))
        elif i < i2:
            rows.append(Row("delete", i + 1, None, escape(old[i])))
        else:
            rows.append(Row("insert", None, j + 1, new_html=escape(new[j])))
    return rows
