from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_PASSWORD = "demo-password"  # printed below; refused outside DEBUG
DEMO_ADMIN = "admin"


class Command(BaseCommand):
    help = "Create the demo accounts (idempotent). Development only: refused when DEBUG is off."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("setup_demo creates accounts with a known password: DEBUG only.")
        user_model = get_user_model()
        admin, created = user_model.objects.get_or_create(
            username=DEMO_ADMIN, defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        self.stdout.write("Demo accounts (log in at http://127.0.0.1:8000/admin/):")
        self.stdout.write(f"  {DEMO_ADMIN:<10} {DEMO_PASSWORD}  (administrator)")
