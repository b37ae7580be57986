"""Data entry: staff upload their daily reports (Excel or CSV) safely.

    python -m data.ingest FILE [--dry-run] [--user NAME] [--db PATH] [--table NAME] [--lang vi|en]

A file is read within fixed limits (files), every row is checked and every problem
reported at once with its Excel row and Vietnamese header (checks), and the changes are
planned, previewed and written as a new version of the database, as `observed` rows whose
replaced values are kept as revisions, so any upload can be rolled back exactly (store).
"""
from data.ingest.checks import Problem, problems_frame
from data.ingest.files import MAX_FILE_BYTES, MAX_ROWS, FileProblem
from data.ingest.specs import SPECS, TableSpec
from data.ingest.store import (
    Plan,
    Refused,
    commit,
    new_version,
    figure_history,
    prepare,
    rollback,
    upload_changes,
    uploads,
)

__all__ = [
    "MAX_FILE_BYTES", "MAX_ROWS", "SPECS", "FileProblem", "Plan", "Problem", "Refused", "TableSpec", "commit",
    "figure_history", "new_version", "prepare", "problems_frame", "rollback", "upload_changes", "uploads",
]
