"""The REST API (`/api/v1`): routes, request and response schemas, JSON errors, and authentication
(`security.py`: users file, sessions, the gate in front of the API and the dashboard)."""
