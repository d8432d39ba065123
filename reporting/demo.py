"""The demo: the two seed plans with their 2020 reporting periods, and one user per role."""

from plans.demo import load_demo_users
from plans.seed import load_plan, seed_files

from .calendar import create_periods


def load_demo():
    plans = []
    for path in seed_files():
        plan, year_due_date = load_plan(path)
        create_periods(plan, year_due_date=year_due_date)
        plans.append(plan)
    load_demo_users()
    return plans
