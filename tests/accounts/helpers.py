"""Shared by the account tests: a user of a province, and the password link of an e-mail."""

import re

from django.contrib.auth import get_user_model

from plans.models import Agency, Membership


def member(username, agency, role=Membership.Role.REPORTER, **fields):
    user = get_user_model().objects.create_user(username, email=f"{username}@example.gov.vn", password="x", **fields)
    Membership.objects.create(user=user, agency=agency, role=role)
    return user


def agency(province_name, name):
    return Agency.objects.get(province__name=province_name, province__valid_from__isnull=True, name=name)


def link_in(message):
    """The path of the password link in an e-mail."""
    return re.search(r"https?://[^/\s]+(/dat-mat-khau/\S+/)", message.body).group(1)
