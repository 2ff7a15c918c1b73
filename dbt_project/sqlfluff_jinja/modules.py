"""`modules` for sqlfluff's jinja templater: the part of dbt's `modules` context the macros use."""

import re  # noqa: F401 (macros call modules.re.sub / modules.re.search)
