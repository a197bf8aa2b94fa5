from django.core.management.base import BaseCommand

from microcred.demo.portfolio import load_demo_portfolio
from microcred.demo.psychometrics import load_demo_review
from microcred.demo.services import DEMO_USERS, demo_password, load_demo_data
from microcred.questionnaires.services import load_default_template


class Command(BaseCommand):
    help = "Load the default template, one demo user per role and the demo plan. Safe to run again."

    def handle(self, *args, **options):
        load_default_template()
        plan = load_demo_data()
        load_demo_review(plan=plan, user=plan.created_by)
        others = load_demo_portfolio()
        answered = plan.answers.filter(value__isnull=False).count()
        self.stdout.write(
            f"Demo plan “{plan.title}”: {answered} answers; {len(others)} more plans."
        )
        self.stdout.write("Demo logins (username / password):")
        for username, _first, _last, organization, role, plan_role in DEMO_USERS:
            if organization is None or role is None:
                what = "template admin (Django admin)"
            else:
                what = f"{role.label.lower()}, {organization}"
            if plan_role:
                what += f"; {plan_role} of the demo plan"
            self.stdout.write(f"  {username:<10} / {demo_password(username):<23} {what}")
