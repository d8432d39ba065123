import datetime
import os
import subprocess
import sys
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import translation

CHECK_SETTINGS = "import papi_tracker.wsgi; print('started')"


def _start_with(env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="papi_tracker.settings")
    return subprocess.run([sys.executable, "-c", CHECK_SETTINGS], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR)


def test_production_mode_without_secret_key_refuses_to_start():
    result = _start_with({"DEBUG": "0", "ALLOWED_HOSTS": "papi.example.gov.vn"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_mode_without_allowed_hosts_refuses_to_start():
    result = _start_with({"DEBUG": "0", "SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_tools_run_without_secrets_but_check_deploy_names_them():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    run = [sys.executable, "manage.py", "check"]
    assert subprocess.run(run, env=env, capture_output=True, text=True, cwd=settings.BASE_DIR).returncode == 0
    deploy = subprocess.run([*run, "--deploy"], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR)
    assert deploy.returncode != 0 and "SECRET_KEY and ALLOWED_HOSTS must be set when DEBUG is off" in deploy.stderr


def test_production_mode_with_both_starts():
    result = _start_with({"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "papi.example.gov.vn"})
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_development_mode_starts_without_secrets():
    assert _start_with({"DEBUG": "1"}).returncode == 0


def test_it_runs_in_vietnam_time_and_vietnamese():
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"
    assert "en" in dict(settings.LANGUAGES)


class ScoreForm(forms.Form):
    day = forms.DateField()
    score = forms.DecimalField(localize=True, decimal_places=2)


def test_vietnamese_input_reads_day_first_and_comma_decimals():
    with translation.override("vi"):
        form = ScoreForm(data={"day": "05/03/2026", "score": "5,40"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data == {"day": datetime.date(2026, 3, 5), "score": Decimal("5.40")}


def test_vietnamese_output_writes_day_first_and_comma_decimals():
    from django.utils import formats

    with translation.override("vi"):
        assert formats.date_format(datetime.date(2026, 3, 5), "SHORT_DATE_FORMAT") == "05/03/2026"
        assert formats.localize(Decimal("44.43")) == "44,43"


def test_pages_are_vietnamese_even_for_an_english_browser(client):
    response = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in response.text and "Tên đăng nhập" in response.text
    assert response["Content-Language"] == "vi"


def test_the_switcher_choice_is_kept(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 302
    page = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="vi").text
    assert '<html lang="en">' in page and "Username" in page


def test_a_request_in_english_leaves_no_english_behind(client, coordinator):
    from django.utils import translation

    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    assert client.get("/").headers["Content-Language"] == "en"
    assert translation.get_language() == "vi"  # the next work in this thread is Vietnamese again


def test_the_wsgi_server_runs_with_the_tuned_garbage_collector():
    """The benchmark measures pages with papi_tracker.gc_tuning applied: so must the server."""
    from django.conf import settings

    from papi_tracker.gc_tuning import THRESHOLDS

    script = "import gc, papi_tracker.wsgi; print(gc.get_threshold(), gc.get_freeze_count() > 0)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"{THRESHOLDS} True"
