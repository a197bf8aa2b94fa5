from django.core.management.base import BaseCommand

from microcred.demo.psychometrics import load_demo_review
from microcred.demo.services import DEMO_USERS, demo_password, load_demo_data
from microcred.questionnaires.services import load_default_template


class Command(BaseCommand):
    help = "Load the default template, one demo user per role and the demo plan. Safe to run again."

    def handle(self, *args, **options):
        load_default_template()
        plan = load_demo_data()
        load_demo_review(plan=plan, user=plan.created_by)
        answered = plan.answers.filter(value__isnull=False).count()
        self.stdout.write(f"Demo plan “{plan.title}”: {answered} answers.")
        self.stdout.write("Demo logins (username / password):")
        for username, _first, _last, group, role in DEMO_USERS:
            what = group + (f", {role} of the demo plan" if role else "")
            self.stdout.write(f"  {username:<10} / {demo_password(username):<22} {what}")
