"""The ground floor: settings, errors, warehouse access, the Kaggle schema, progress.

Imports nothing of the project; every other package may import it. Telemetry is switched off here,
before dbt, Gradio or Hugging Face libraries are imported by any layer above.
"""

import os

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
