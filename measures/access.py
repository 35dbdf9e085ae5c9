"""Who may see and record the outcome measures of a case, built from the case's own rules.

Everyone who may see the case sees its measures; the case's team records them while the case is open; only
its occupational therapists and physiotherapists set COPM goals with the client (COPM is their instrument).
Registered with django-rules when this module is imported, from `MeasuresConfig.ready()`.
"""

import rules

from cases.access import can_view_case, case_is_open, is_therapist, team_of_case

rules.add_perm("measures.view_measures", can_view_case)
rules.add_perm("measures.record_measures", team_of_case & case_is_open)
rules.add_perm("measures.set_copm_goals", team_of_case & is_therapist & case_is_open)
