"""The load test (`manage.py load_test`): its data (data.py), the locust scenario
(locustfile.py, run by locust in its own process, never imported by Django) and the checks
of the database afterwards (verify.py)."""
