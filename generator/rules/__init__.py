"""The rules core: every domain question partnerbook answers, answered once.

Validation (``generator.checks``), the health score, the checklists, the alerts,
the calendar and the site's pages ask these modules and keep no copy of their own,
so a finding, an alert, a checklist tick and a grade cannot disagree.

* ``contracts``: is a contract in force, ended or renewed on a date; its notice deadline.
* ``documents``: known document types; when a document stops counting; its state on a date.
* ``obligations``: which requirements apply to a partner, how strictly, and what each
  one asks for (documents, clauses, SLA) with its state on a date.
* ``windows``: how far ahead deadlines and expiries warn.
* ``formats``: how money, shares and day counts are written for people.

Nothing here imports pandas, matplotlib, mkdocs or click.
"""
