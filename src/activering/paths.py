"""Where the course's own folders are, so code never depends on the working directory."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
