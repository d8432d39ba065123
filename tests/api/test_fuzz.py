"""Schema-driven fuzzing (schemathesis): requests made from the OpenAPI schema, valid ones and
invalid ones (negative mode: wrong types, out-of-range values), with An Giang's token,
in-process through the WSGI app. No answer may be a server error. Bounded (a dozen examples
per operation and mode) to stay within a minute."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from api import services
from api.authentication import TokenRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection_kept():
    """The WSGI app starts and ends each request by closing old connections; inside the test's
    transaction that hands PostgreSQL's pooled connection back mid-transaction, and the next
    query cannot open one (a 500 on PostgreSQL only). Django's test client disconnects the same."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode))
def test_no_request_is_a_server_error(coordinator, an_giang_plan, monkeypatch, mode, connection_kept):
    monkeypatch.setitem(TokenRateThrottle.THROTTLE_RATES, "api_token", "100000/min")
    key = services.create_token(coordinator, "fuzz", an_giang_plan.province)[1]
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 18  # nine endpoints, list and detail
    seen = set()
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
        def run(case):
            response = case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, checks=[not_a_server_error])
            seen.add(response.status_code)

        run()
    assert 200 in seen and (mode == schemathesis.GenerationMode.POSITIVE or seen & {400, 404})
