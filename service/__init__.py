"""The application service: `ScoringService`, the one Python API that the REST API and the dashboard call,
and `wording`, which turns the model's numbers into words a relationship manager can say to a client."""
