"""The OParl 1.1 read API: the conferences' public data in the German standard for
council information systems (https://oparl.org)."""
