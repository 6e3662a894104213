"""`esol-finder import` and `esol-finder export` from the command line."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from finder.cli import main
from tests.spreadsheets import UNKNOWN_POSTCODE, csv_bytes, row
from tests.unit.imports.conftest import assert_matches_expected

pytestmark = pytest.mark.postgres


@pytest.fixture
def cli(settings, services, shared_postcodes, tmp_path):
    """Run esol-finder with the test's settings; the postcode directory is copied in, not rebuilt."""
    shutil.copyfile(shared_postcodes.path, settings.postcodes_path)
    env = {"ESOL_FINDER_DATA_DIR": str(settings.data_dir), "ESOL_FINDER_DATABASE_URL": settings.database_url,
           "ESOL_FINDER_SECRET_KEY": "test-secret"}

    def run(*args):
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return run


def test_import_with_a_wrong_row_exits_1_and_changes_nothing(cli, tmp_path, catalogue_state):
    path = tmp_path / "courses.csv"
    path.write_bytes(csv_bytes([row("a", "A"), row("b", "B", venue_postcode=UNKNOWN_POSTCODE, levels="expert")]))
    before = catalogue_state()
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert catalogue_state() == before
    assert_matches_expected("cli_wrong_rows.txt", result.stdout)
    assert "Nothing was changed" in result.stderr


def test_dry_run_then_import_then_nothing_to_do(cli, tmp_path, catalogue_state):
    path = tmp_path / "courses.csv"
    path.write_bytes(csv_bytes([row("a", "A"), row("b", "B")]))
    before = catalogue_state()
    dry = cli("import", "--dry-run", str(path))
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines() == ["Row 2 (a): New", "Row 3 (b): New",
                                       "2 new, 0 changed, 0 with no change, 0 to fix."]
    assert "Checking rows" in dry.stderr and "Dry run: nothing was changed." in dry.stderr
    assert catalogue_state() == before

    done = cli("import", "--as-status", "published", str(path))
    assert done.exit_code == 0 and "Imported: 2 courses added or changed." in done.stderr
    assert catalogue_state()[0] == 2

    again = cli("import", "--json", str(path))
    assert again.exit_code == 0
    assert '"unchanged": 2' in again.stdout


def test_export_command_by_extension(cli, tmp_path, fixture_catalogue):
    for name in ("all.csv", "all.xlsx"):
        result = cli("export", str(tmp_path / name))
        assert result.exit_code == 0 and result.stdout == f"Exported 7 courses to {tmp_path / name}.\n"
    assert (tmp_path / "all.csv").read_bytes().startswith(b"\xef\xbb\xbfid,")
    assert (tmp_path / "all.xlsx").read_bytes().startswith(b"PK")
    published = cli("export", "--published-only", str(tmp_path / "p.csv"))
    assert published.exit_code == 0
    wrong = cli("export", str(tmp_path / "all.pdf"))
    assert wrong.exit_code == 2 and ".csv or .xlsx" in wrong.output
    round_trip = cli("import", str(tmp_path / "all.xlsx"))
    assert round_trip.exit_code == 0 and "0 new, 0 changed, 7 with no change, 0 to fix." in round_trip.stdout
