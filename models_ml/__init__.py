"""The model: LightGBM on the `client_features` mart, calibrated probability of default,
business-cost threshold, SHAP explanations, similar clients, and the model tables.

    client_features --train--> models/<run_id>/ (model.txt, run.json) + model.duckdb --service--> app
"""
