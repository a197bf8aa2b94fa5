"""The site-wide groups. A user's role on one plan is a PlanMembership; these groups
say what a user does across the site."""

PROGRAM_MANAGERS = "Program managers"
COMMITTEE_REVIEWERS = "Committee reviewers"
TEMPLATE_ADMINS = "Template admins"

ALL_GROUPS = (PROGRAM_MANAGERS, COMMITTEE_REVIEWERS, TEMPLATE_ADMINS)
