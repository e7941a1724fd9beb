"""Input limits shared by the database, the forms and the API schemas."""

from __future__ import annotations

TITLE_MAX = 300
NAME_MAX = 200
SHORT_TEXT_MAX = 2_000
PLAN_MAX = 20_000
REASON_MAX = 5_000
EMAIL_MAX = 254
PASSWORD_MIN = 10
PASSWORD_MAX = 200
# Working age as Finsam counts it (DESIGN.md): 16 to 67 inclusive.
AGE_MIN = 16
AGE_MAX = 67
PARTICIPANTS_MAX = 100_000
# One budget line above 100 MSEK is not a plausible Finsam grant: the biggest
# associations turn over a few tens of millions a year.
AMOUNT_MAX = 100_000_000
# One year of an association's budget (contributions, costs, carried over): the database
# allows a carried-over deficit down to minus this.
BUDGET_MAX = 1_000_000_000
POPULATION_MAX = 20_000_000
YEAR_MIN = 2000
YEAR_MAX = 2100
BUDGET_YEARS_MAX = 10
GOALS_MAX = 20
PARTNERS_MAX = 50
COFUNDING_MAX = 50
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"
DIARY_PREFIX_MAX = 20
# A search of the application list (title or diary number).
SEARCH_MAX = 100
# Days before a meeting the kallelse should be sent (an association setting, default a week).
NOTICE_DAYS_DEFAULT = 7
NOTICE_DAYS_MAX = 90
