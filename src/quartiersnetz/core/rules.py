"""Permission predicates for the legal pages and barrier reports (django-rules)."""

import rules

from quartiersnetz.accounts.rules import editors_maintain, is_administrator, is_editor

rules.add_perm("core.edit_legal_pages", is_administrator)
# Editors maintain the districts and read and close barrier reports in the editorial
# office; the site settings are the administrators'.
editors_maintain("core", "district")
rules.add_perm("core.view_barrierreport", is_editor)
rules.add_perm("core.change_barrierreport", is_editor)
