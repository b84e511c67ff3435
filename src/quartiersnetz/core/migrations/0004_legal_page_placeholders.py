"""Create the imprint, privacy policy and accessibility statement with placeholders.

The texts are frozen here (not imported from app code) so that this migration
keeps doing the same thing however the app changes. The operator completes them
in the site under /impressum/bearbeiten/ and so on.
"""

from django.db import migrations

IMPRINT = """\
**Hinweis für den Betreiber:** Dieser Text ist ein Platzhalter. Bitte ersetzen Sie alle Angaben in [eckigen Klammern] durch die Angaben Ihrer Organisation, bevor die Plattform öffentlich erreichbar ist.

## Angaben gemäß § 5 DDG

**Anbieter:** [Name der Stadt, des Vereins oder der Organisation]

**Anschrift:** [Straße Hausnummer], [PLZ] [Ort]

**Vertretungsberechtigte Person:** [Vorname Name, Funktion, z. B. Bürgermeisterin oder Vorstand]

## Kontakt

- Telefon: [Telefonnummer]
- E-Mail: [E-Mail-Adresse]

## Weitere Angaben

[Falls vorhanden: Registergericht und Registernummer, Umsatzsteuer-Identifikationsnummer, zuständige Aufsichtsbehörde]

## Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV

[Vorname Name], [Anschrift wie oben oder abweichende Anschrift]

## Inhalte der Veranstalter

Veranstaltungen werden von Vereinen, Initiativen und Einrichtungen aus [Ort] eingetragen. Für deren Angaben sind die jeweiligen Veranstalter verantwortlich.
"""

PRIVACY = """\
**Hinweis für den Betreiber:** Dieser Text ist ein Platzhalter. Bitte prüfen und vervollständigen Sie ihn, ersetzen Sie alle Angaben in [eckigen Klammern] und lassen Sie ihn von Ihrer oder Ihrem Datenschutzbeauftragten freigeben.

## Verantwortliche Stelle

[Name der Organisation], [Anschrift], [E-Mail-Adresse]

## Datenschutzbeauftragte oder Datenschutzbeauftragter

[Vorname Name], [Anschrift], [E-Mail-Adresse]

## Welche Daten wir verarbeiten

- **Benutzerkonto:** Wenn Sie ein Konto anlegen, speichern wir Ihre E-Mail-Adresse, Ihr Passwort (nur verschlüsselt als Hash) und, wenn Sie ihn angeben, Ihren Namen. Rechtsgrundlage ist Art. 6 Abs. 1 lit. b DSGVO.
- **Mitgliedschaft in Organisationen:** Wenn Sie für einen Verein oder eine Einrichtung handeln, speichern wir diese Zuordnung, Ihre Rolle und wer Sie eingeladen oder aufgenommen hat.
- **Veranstaltungen:** Was Sie als Veranstaltung eintragen, wird veröffentlicht, sobald es freigegeben ist.
- **Meldungen von Barrieren:** Was Sie über das Formular der Erklärung zur Barrierefreiheit senden, speichern wir, um die Barriere zu beheben und Ihnen, wenn gewünscht, zu antworten.
- **Server-Protokolle:** Beim Aufruf jeder Seite verarbeitet der Server technisch notwendig Ihre IP-Adresse, Datum und Uhrzeit sowie die aufgerufene Adresse. Die Protokolle werden nach [Anzahl] Tagen gelöscht. Rechtsgrundlage ist Art. 6 Abs. 1 lit. e bzw. f DSGVO.

## Cookies

Wir setzen nur technisch notwendige Cookies: ein Sitzungs-Cookie für die Anmeldung, ein Cookie zum Schutz von Formularen (CSRF) und, wenn Sie die Sprache wechseln, ein Cookie für die gewählte Sprache. Es gibt keine Cookies zu Werbe- oder Analysezwecken.

## Keine Dienste Dritter

Diese Seiten laden keine Schriften, Skripte, Karten oder Bilder von fremden Servern. Beim Besuch werden keine Daten an Dritte übermittelt.

## Ihre Rechte

Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16 DSGVO), Löschung (Art. 17 DSGVO), Einschränkung der Verarbeitung (Art. 18 DSGVO), Datenübertragbarkeit (Art. 20 DSGVO) und Widerspruch (Art. 21 DSGVO). Wenden Sie sich dafür an die oben genannte Stelle.

Sie können sich außerdem bei einer Aufsichtsbehörde beschweren, zum Beispiel bei der Landesbeauftragten für Datenschutz und Informationsfreiheit Nordrhein-Westfalen.

Stand: [Datum]
"""

ACCESSIBILITY = """\
**Hinweis für den Betreiber:** Dieser Text ist ein Platzhalter. Bitte prüfen Sie die Barrierefreiheit der Plattform, vervollständigen Sie die Erklärung und ersetzen Sie alle Angaben in [eckigen Klammern].

[Name der Organisation] ist bemüht, diese Plattform im Einklang mit dem Behindertengleichstellungsgesetz Nordrhein-Westfalen (BGG NRW) und der Barrierefreie-Informationstechnik-Verordnung Nordrhein-Westfalen (BITV NRW) barrierefrei zugänglich zu machen.

## Stand der Vereinbarkeit mit den Anforderungen

Diese Plattform ist **teilweise vereinbar** mit den Anforderungen der BITV NRW. Die Bewertung beruht auf einer Selbstbewertung und muss noch überprüft werden: [Art der Prüfung, z. B. Selbstbewertung oder BITV-Test, und Datum].

## Nicht barrierefreie Inhalte

Die folgenden Inhalte sind nicht oder nicht vollständig barrierefrei:

- [Inhalt, Grund und barrierefreie Alternative]

## Barrieren melden (Feedback-Mechanismus)

Sind Ihnen Barrieren aufgefallen? Dann schreiben Sie uns mit dem Formular auf dieser Seite oder per E-Mail an [E-Mail-Adresse]. Wir antworten Ihnen, wenn Sie es wünschen.

## Durchsetzungsverfahren

Wenn wir auf Ihre Rückmeldung nicht oder nicht zufriedenstellend antworten, können Sie sich an die **Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen** wenden. Das Verfahren ist kostenlos.

[Anschrift, Telefon, E-Mail-Adresse und Internetadresse der Ombudsstelle]

## Erstellung dieser Erklärung

Diese Erklärung wurde am [Datum] erstellt und zuletzt am [Datum] überprüft.
"""

PAGES = [
    ("imprint", "Impressum", IMPRINT),
    ("privacy", "Datenschutzerklärung", PRIVACY),
    ("accessibility", "Erklärung zur Barrierefreiheit", ACCESSIBILITY),
]


def create_placeholder_pages(apps, schema_editor):
    LegalPage = apps.get_model("core", "LegalPage")
    for kind, title, body in PAGES:
        LegalPage.objects.get_or_create(kind=kind, defaults={"title": title, "body": body})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_legal_pages_and_barrier_reports"),
    ]

    operations = [
        migrations.RunPython(create_placeholder_pages, migrations.RunPython.noop),
    ]
