"""The README is a short front page and every relative link or image in it and in docs/ resolves."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
MARKDOWN = [README, *sorted((ROOT / "docs").glob("*.md"))]
FRONT_PAGE_MAX_BYTES = 15_000

_FENCE = re.compile(r"^```.*?^```[^\n]*$", re.S | re.M)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_DOCS_PATH = re.compile(r"(?<![\w/.])docs/[\w./-]+\.(?:md|png)\b")


def prose(markdown: str) -> str:
    """The text outside fenced code blocks and inline code, where links are links."""
    return _INLINE_CODE.sub("", _FENCE.sub("", markdown))


def anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors of a markdown text (duplicates get -1, -2 …)."""
    seen: dict[str, int] = {}
    for heading in _HEADING.findall(_FENCE.sub("", markdown)):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        if count:
            seen[f"{slug}-{count}"] = 1
    return set(seen)


def broken_links(path: Path) -> list[str]:
    """Every relative link or image of ``path`` whose file, or whose anchor in a markdown file, does not exist."""
    text = path.read_text(encoding="utf-8")
    problems = []
    for target in _LINK.findall(prose(text)):
        if _EXTERNAL.match(target):
            continue
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        if not resolved.exists() or ROOT not in (resolved, *resolved.parents):
            problems.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved.read_text(encoding="utf-8")):
            problems.append(f"{target}: no heading #{anchor} in {resolved.relative_to(ROOT)}")
    return problems


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_and_images_resolve(path: Path) -> None:
    assert broken_links(path) == []


def test_docs_paths_named_in_code_and_docs_exist() -> None:
    """A ``docs/…`` path named in prose or code (a hint, a docstring) points at a file that is there."""
    sources = [*MARKDOWN, ROOT / "pyproject.toml", ROOT / "Makefile", *(p for d in ("rag", "ui", "evals", "benchmarks", "tests") for p in (ROOT / d).rglob("*.py"))]
    missing = {f"{src.relative_to(ROOT)}: {name}" for src in sources
               for name in _DOCS_PATH.findall(src.read_text(encoding="utf-8"))
               if "*" not in name and not (ROOT / name).exists()}
    assert sorted(missing) == []


def test_readme_is_a_front_page() -> None:
    """Short, the two commands first, then a Python example of five lines at most."""
    text = README.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= FRONT_PAGE_MAX_BYTES
    blocks = re.findall(r"^```(\w*)\n(.*?)^```", text, re.S | re.M)
    assert blocks[0][0] == "bash"
    assert [line.split()[:2] for line in blocks[0][1].splitlines()] == [["make", "run"], ["make", "test"]]
    assert blocks[1][0] == "python"
    assert 0 < len(blocks[1][1].strip().splitlines()) <= 5


def test_anchor_slugs_follow_github() -> None:
    """The slug rules the link check relies on, on headings of the kinds the docs use."""
    text = "# Models and why\n## Several app instances, one Chroma server\n## Late (opt-in, `RAG_X=y`)\n## Tests\n## Tests\n"
    assert anchors(text) == {"models-and-why", "several-app-instances-one-chroma-server", "late-opt-in-rag_xy",
                             "tests", "tests-1"}
