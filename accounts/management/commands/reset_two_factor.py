from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import two_factor


class Command(BaseCommand):
    help = (
        "Remove a user's two-factor devices (lost phone): the authenticator and the backup codes; they set up "
        "a new one at their next login. For when no administrator can log in to do it in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        removed = two_factor.reset(user)
        self.stdout.write(f"{username}: {removed} device(s) removed; they set up two-factor login again at their next login.")
