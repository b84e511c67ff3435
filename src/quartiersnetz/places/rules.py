"""Permission predicates for places (django-rules): editors maintain them."""

from quartiersnetz.accounts.rules import editors_maintain

editors_maintain("places", "place")
