from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reviews.models import Membership, Organisation
from reviews.role_groups import role_groups_sync
from reviews.roles import Role

DEMO_PASSWORD = "demo-password"  # printed below; refused outside DEBUG
DEMO_ADMIN = "admin"
DEMO_ORGANISATION = ("demo-news", "Demo News")
# One account per editorial role; the publisher belongs to the demo organisation.
DEMO_USERS: dict[Role, str] = {
    Role.PUBLISHER: "publisher",
    Role.REVIEWER: "reviewer",
    Role.EDITOR: "editor",
    Role.AUDITOR: "auditor",
    Role.DATA_PROTECTION: "dataprotection",
}


class Command(BaseCommand):
    help = "Create the demo accounts (idempotent). Development only: refused when DEBUG is off."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("setup_demo creates accounts with a known password: DEBUG only.")
        with transaction.atomic():
            role_groups_sync()
            self._create_accounts()
        self.stdout.write("Demo accounts (log in at http://127.0.0.1:8000/admin/):")
        self.stdout.write(f"  {DEMO_ADMIN:<14} {DEMO_PASSWORD}  (administrator)")
        for role, username in DEMO_USERS.items():
            where = f", organisation {DEMO_ORGANISATION[0]}" if role is Role.PUBLISHER else ""
            self.stdout.write(f"  {username:<14} {DEMO_PASSWORD}  ({role}{where})")

    def _create_accounts(self) -> None:
        user_model = get_user_model()
        admin, created = user_model.objects.get_or_create(
            username=DEMO_ADMIN, defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        admin.groups.add(Group.objects.get(name=Role.ADMIN))
        organisation, _ = Organisation.objects.get_or_create(
            slug=DEMO_ORGANISATION[0], defaults={"name": DEMO_ORGANISATION[1]}
        )
        for role, username in DEMO_USERS.items():
            user, created = user_model.objects.get_or_create(
                username=username, defaults={"is_staff": True}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(Group.objects.get(name=role))
            if role is Role.PUBLISHER:
                Membership.objects.get_or_create(user=user, defaults={"organisation": organisation})
