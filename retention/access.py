"""Who sees the retention records; joins the rule set of cases/access.py.

The unit manager and the administrator see what was cleared in their municipality, and the access log's
deletions. A record holds no client data (ids, a pseudonym, dates), so the administrator, who sees no
client data, may read them too, and reading them leaves no access-log entry."""

import rules

from cases.access import is_administrator, is_unit_manager

rules.add_perm("retention.view_records", is_unit_manager | is_administrator)
