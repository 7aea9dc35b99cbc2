"""scripts/serve refuses to start the production stack with a variable missing."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FULL = {
    "SECRET_KEY": "s" * 50,
    "ALLOWED_HOSTS": "bm.example.nl",
    "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
    "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
}


@pytest.mark.parametrize("missing", sorted(FULL))
def test_serve_names_the_missing_variable_and_starts_nothing(missing):
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    env.update({k: v for k, v in FULL.items() if k != missing}, BUURTMAKELAAR_SKIP_INSTALL="1")
    result = subprocess.run(["bash", "scripts/serve"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"{missing} is not set" in result.stderr
    assert "==> migrate" not in result.stdout
