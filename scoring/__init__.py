"""The top floor: the `scoring` command line (`scoring/cli.py`) and `scoring run` (`scoring/run.py`).

With `app.py`, the only place that assembles every layer. See CONTRIBUTING.md for the layers.
"""

import kernel  # noqa: F401  (telemetry off before anything else is imported)
