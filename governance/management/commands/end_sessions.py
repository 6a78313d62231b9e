"""`python manage.py end_sessions USERNAME…`: log people out everywhere (sessions and API token)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from governance.security.sessions import end_user_sessions


class Command(BaseCommand):
    help = "Ends every session of the given users and revokes their API tokens."

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="+")

    def handle(self, *args, usernames, **options):
        User = get_user_model()
        for username in usernames:
            try:
                user = User.objects.get(username=username)
            except User.DoesNotExist:
                raise CommandError(f"no user {username!r}") from None
            sessions, tokens = end_user_sessions(user=user)
            self.stdout.write(f"{username}: {sessions} session(s) ended, {tokens} token(s) revoked")
