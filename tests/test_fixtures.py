"""Each stored page in ``tests/fixtures`` extracts to exactly its expected JSON.

``tests/fixtures/<case>/`` are written by ``write_fixtures.py`` from the demo's content;
``tests/fixtures/checked/<case>/`` are pages whose expected JSON was written by reading the page.
"""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES
from extractors import FIELD_NAMES, ExtractionError, extract

CHECKED = FIXTURES / "checked"
CASES = sorted(str(expected.parent.relative_to(FIXTURES))
               for expected in [*FIXTURES.glob("*/expected.json"), *CHECKED.glob("*/expected.json")])


def load_case(name: str) -> tuple[bytes, dict]:
    folder = FIXTURES / name
    return (folder / "page.html").read_bytes(), json.loads((folder / "expected.json").read_text("utf-8"))


def test_fixture_set_covers_the_site():
    assert len([c for c in CASES if c.startswith("article-")]) >= 10
    assert len([c for c in CASES if c.startswith("not-article-")]) >= 3
    assert len([c for c in CASES if c.startswith("checked/")]) >= 2


@pytest.mark.parametrize("case", CASES)
def test_fixture(case):
    html, expected = load_case(case)
    if "error" in expected:
        with pytest.raises(ExtractionError) as raised:
            extract(html, expected["url"])
        assert type(raised.value).__name__ == expected["error"]
        return
    assert sorted(expected) == sorted(FIELD_NAMES), "expected JSON must name every field"
    record = extract(html, expected["url"]).as_dict()
    differing = {field: {"extracted": record[field], "expected": expected[field]}
                 for field in FIELD_NAMES if record[field] != expected[field]}
    assert not differing, f"fields differ: {', '.join(differing)}\n{json.dumps(differing, ensure_ascii=False, indent=1)}"
