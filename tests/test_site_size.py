"""`handbook site-size`: a built site measured against GitHub Pages' 1 GB, before the upload."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest
from handbook.site_size import measure, parse_size
from helpers.handbook import run_cli


def _site(root: Path) -> Path:
    """A small site: a heavy search index, a few pages in two folders, a root file."""
    files = {
        "index.html": 1_000,
        "catalog.json": 30_000,
        "search/search_index.json": 200_000,
        "looker/folders/a/index.html": 50_000,
        "looker/folders/b/index.html": 60_000,
        "metrics/mau/index.html": 5_000,
    }
    for rel, size in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * size)
    return root


def test_the_size_is_what_the_pages_tar_holds(tmp_path: Path):
    site = _site(tmp_path / "site")
    with tarfile.open(tmp_path / "artifact.tar", "w", format=tarfile.GNU_FORMAT) as tar:
        tar.add(site, arcname=".")
    tar_bytes = (tmp_path / "artifact.tar").stat().st_size
    measured = measure(site)
    assert measured.files == 6
    # tar pads the archive's end to whole 10 KiB records; the entries themselves match
    assert tar_bytes - 10_240 <= measured.total <= tar_bytes


def test_folders_are_ranked_by_everything_below_them(tmp_path: Path):
    measured = measure(_site(tmp_path / "site"))
    names = [path for path, _ in measured.largest(3)]
    assert names == ["search", "looker", "looker/folders"]


def test_a_site_under_the_limit_prints_its_size_and_passes(tmp_path: Path):
    _site(tmp_path / "site")
    done = run_cli(tmp_path, "site-size", "site")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("site/ takes 353.8 KB in 6 files: 0% of the limit, 1.0 GB")
    assert "largest folders:" in done.stdout and "search/ (1 file)" in done.stdout
    assert "largest files: search/search_index.json (200.7 KB)" in done.stdout


def test_a_site_over_the_limit_fails_naming_its_largest_folders(tmp_path: Path):
    _site(tmp_path / "site")
    done = run_cli(tmp_path, "site-size", "site", "--limit", "300KB", "--format", "github")
    assert done.returncode == 1
    assert "over the limit of 300.0 KB; largest folders: search/ (201.2 KB), looker/" in (
        done.stderr
    )
    assert done.stdout.splitlines()[-1].startswith("::error title=Site too large")


def test_a_missing_site_or_a_bad_limit_is_a_usage_error(tmp_path: Path):
    missing = run_cli(tmp_path, "site-size", "nowhere")
    assert missing.returncode == 2 and "nowhere: no such folder" in missing.stderr
    bad = run_cli(tmp_path, "site-size", "--limit", "lots")
    assert bad.returncode == 2 and "'lots' is not a size" in bad.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1GB", 10**9), ("500 MB", 5 * 10**8), ("1GiB", 2**30), ("1.5kb", 1500), ("42", 42)],
)
def test_sizes_read_as_people_write_them(text: str, expected: int):
    assert parse_size(text) == expected
