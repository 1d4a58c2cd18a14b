"""What every test module shares: the hypothesis profiles, and the ledgers on SQLite and PostgreSQL
(``tests/ledgers.py``). The ``slow`` marker is registered in ``pyproject.toml``.

Hypothesis runs under the profile ``DMTOOL_HYPOTHESIS_PROFILE`` names, ``dev`` by default; ``.ci/run`` chooses
``ci``. Both have no deadline (a verdict per example, never a timing: a loaded machine must not fail a test) and
suppress the health checks about slow or large generation, which these strategies meet by design (messages are big
and some filters are strict). ``ci`` also keeps no example database (CI starts from a fresh checkout) and prints the
blob that reproduces a failure. A test's own ``@settings(max_examples=...)`` is on top of the profile.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from ledgers import ledger_url, ledgers  # noqa: F401 (fixtures)

#: The environment variable that chooses the hypothesis profile.
PROFILE_ENV = "DMTOOL_HYPOTHESIS_PROFILE"

settings.register_profile(
    "dev",
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
)
settings.register_profile("ci", settings.get_profile("dev"), database=None, print_blob=True)
settings.load_profile(os.environ.get(PROFILE_ENV, "dev"))
