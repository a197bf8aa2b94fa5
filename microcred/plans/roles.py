"""The site-wide groups. A user's role on one plan is a PlanMembership, and in an
organization an OrganizationMembership; the one group says who edits the templates."""

TEMPLATE_ADMINS = "Template admins"

ALL_GROUPS = (TEMPLATE_ADMINS,)
