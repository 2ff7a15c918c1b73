"""The model: LightGBM on the `client_features` mart, calibrated probability of default,
business-cost threshold, SHAP explanations, similar clients, and the model tables.

    client_features --train--> models/<run_id>/ (model.txt, run.json) + model.duckdb --service--> app
"""

import os

# OpenMP threads that spin while waiting make LightGBM several times slower when the 2 cores are
# shared with other work (measured: 50 rounds 6.9 s spinning vs 1.6 s passive). Must be set before
# LightGBM's OpenMP runtime loads, i.e. before the first `import lightgbm`.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
