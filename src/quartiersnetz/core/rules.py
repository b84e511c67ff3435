"""Permission predicates for the legal pages and barrier reports (django-rules)."""

import rules

from quartiersnetz.accounts.rules import is_administrator, is_editor

rules.add_perm("core.edit_legal_pages", is_administrator)
# Editors read and close barrier reports in the editorial office.
rules.add_perm("core.view_barrierreport", is_editor)
rules.add_perm("core.change_barrierreport", is_editor)
