"""Plain words for ids: every KPI, status, category, role, rule and state has a label and a short help.

Ids (``cart_abandonment_rate``, ``customer-service``, ``pci-dss-aoc``) are what people type in records
and on the command line; pages and human-readable output show :func:`label` instead, with
:func:`help_text` on hover and in the glossary. Labels are catalog messages (``generator/i18n.py``),
so they read in the team's language. An id without a label here (a team's own checklist, a custom
evaluation criterion) reads as itself, never as an error.

Kinds and where their ids come from (``tests/test_labels.py`` checks the code's lists are covered):

* ``kpi``: KPIs and table columns (``generator/measure/kpis.py``, ``generator/measure/tables.py``);
* ``status``, ``category``, ``criticality``, ``frequency``: the partner profile (``generator/records/partner.py``);
* ``severity``: findings and alerts (error, warning, info; ``off`` in ``alerts.severity``);
* ``state``: documents, obligations, commitments, credits, contracts, milestones, actions, red flags
  and the health status (green, amber, red). States are lower case: they read inside sentences and badges;
* ``rule``: every alert rule (``ALERT_RULES``) and every rule a check of the records reports;
* ``doc``: the built-in compliance document types (a team's own types carry their own name);
* ``requirement``: the built-in compliance requirements;
* ``clause``: the standard contract clauses;
* ``model``, ``period``, ``exclusivity``: contract pricing models, value periods, exclusivity;
* ``commitment-period``: how often a contract commitment is judged ("per quarter");
* ``role``: the RACI roles (a team's own roles carry their name in team.yaml);
* ``kind``: check-in kinds; ``deadline``: the dated events of a contract;
* ``evaluation``: the default evaluation criteria; ``component``: the parts of the health score;
* ``maturity``: technical maturity; ``financial-health``: the due diligence's judgement.
"""

from __future__ import annotations

from generator.i18n import N_, _

# kind -> id -> (label, help). Every text is a catalog message: marked with N_, translated on use.
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "kpi": {
        "conversion_rate": (N_("Conversion rate"), N_("Orders per session.")),
        "cart_abandonment_rate": (N_("Cart abandonment"), N_("Share of carts that did not become orders.")),
        "checkout_completion_rate": (N_("Checkout completion"), N_("Orders per checkout started.")),
        "aov": (N_("Average order value"), N_("Revenue per order.")),
        "revenue_per_session": (N_("Revenue per session"), N_("Revenue divided by sessions.")),
        "cpa": (N_("Cost per order"), N_("Cost per acquisition: cost divided by orders.")),
        "roi": (N_("ROI"), N_("Return on investment: (revenue × gross margin − cost) / cost.")),
        "conversion_lift": (N_("Conversion lift"), N_("Conversion rate against the baseline, as a change.")),
        "abandonment_change": (N_("Abandonment change"),
                               N_("Cart abandonment minus the baseline's, in percentage points.")),
        "csat": (N_("Customer satisfaction"), N_("Satisfied answers per survey response (CSAT).")),
        "nps": (N_("Net Promoter Score"), N_("Promoters minus detractors, per 100 answers (NPS).")),
        "repeat_purchase_rate": (N_("Repeat purchases"), N_("Repeat customers per customer.")),
        "revenue_share": (N_("Revenue share"), N_("A partner's part of all partners' attributed revenue.")),
        "return_rate": (N_("Return rate"), N_("Returned orders per order.")),
        "hhi": (N_("Revenue concentration"),
                N_("Herfindahl-Hirschman index of revenue shares, 0 to 1: 1 means one partner brings all.")),
        "sla_attainment": (N_("SLA attainment"), N_("Months meeting the SLA target per month measured.")),
        "service_credits": (N_("Service credits"), N_("Credits the SLA owes for breached months.")),
        "activation_days": (N_("Days to go live"), N_("Days from signing to going live.")),
        "evaluation_score": (N_("Evaluation score"), N_("Weighted mean of the evaluation scores, 1 to 5.")),
        "health_score": (N_("Health score"), N_("0 to 100, from the partner's KPIs, SLA, compliance and alerts.")),
        "grade": (N_("Grade"), N_("A to F, from the health score.")),
        "sessions": (N_("Sessions"), N_("Visits the partner brought.")),
        "carts": (N_("Carts"), N_("Carts created.")),
        "checkouts": (N_("Checkouts"), N_("Checkouts started.")),
        "orders": (N_("Orders"), N_("Orders placed.")),
        "revenue": (N_("Revenue"), N_("Attributed revenue.")),
        "cost": (N_("Cost"), N_("What the partner cost for the campaign.")),
        "returns": (N_("Returns"), N_("Orders returned.")),
        # the other counts a result may record (generator.measure.kpis.COUNTS)
        "margin_revenue": (N_("Revenue at margin"), N_("Revenue times the campaign's gross margin, for ROI.")),
        "customers": (N_("Customers"), N_("Customers who ordered (orders when not recorded).")),
        "repeat_customers": (N_("Repeat customers"), N_("Customers who had ordered before.")),
        "base_sessions": (N_("Baseline sessions"), N_("Sessions of the baseline period.")),
        "base_carts": (N_("Baseline carts"), N_("Carts of the baseline period.")),
        "base_orders": (N_("Baseline orders"), N_("Orders of the baseline period.")),
        "responses": (N_("Survey responses"), N_("Answers to the satisfaction survey.")),
        "satisfied": (N_("Satisfied"), N_("Survey answers at or above the satisfied score.")),
        "promoters": (N_("Promoters"), N_("NPS answers of 9 or 10.")),
        "passives": (N_("Passives"), N_("NPS answers of 7 or 8.")),
        "detractors": (N_("Detractors"), N_("NPS answers of 0 to 6.")),
        # the text columns of the KPI tables (generator.measure.tables.TEXT_COLUMNS)
        "campaign": (N_("Campaign"), ""),
        "partner": (N_("Partner"), ""),
        "currency": (N_("Currency"), N_("The currency of the money columns.")),
    },
    "status": {
        "prospect": (N_("Prospect"), N_("A possible partner, not yet being evaluated.")),
        "evaluating": (N_("Evaluating"), N_("Due diligence and evaluation under way.")),
        "onboarding": (N_("Onboarding"), N_("Signed, being set up; not live yet.")),
        "active": (N_("Active"), N_("Live and working with us.")),
        "paused": (N_("Paused"), N_("The collaboration is on hold.")),
        "offboarded": (N_("Offboarded"), N_("No longer a partner; kept for the record.")),
        "unknown": (N_("Unknown"), N_("The partner's profile could not be read.")),
    },
    "category": {
        "payment": (N_("Payment"), N_("Payment gateways, acquirers and payment methods.")),
        "logistics": (N_("Logistics"), N_("Carriers, warehouses and delivery.")),
        "marketing": (N_("Marketing"), N_("Affiliates, influencers, agencies and advertising.")),
        "feedback": (N_("Customer feedback"), N_("Surveys, reviews and feedback tools.")),
        "platform": (N_("Platform"), N_("The shop's platform, integrations and technology vendors.")),
        "supplier": (N_("Supplier"), N_("Products, packaging and materials.")),
        "customer-service": (N_("Customer service"), N_("Outsourced support desks and help tools.")),
        "other": (N_("Other"), ""),
    },
    "criticality": {
        "critical": (N_("Critical"), N_("The shop stops without this partner.")),
        "high": (N_("High"), N_("Losing this partner hurts sales or operations badly.")),
        "medium": (N_("Medium"), N_("Replaceable with some effort.")),
        "low": (N_("Low"), N_("Easily replaced.")),
    },
    "frequency": {
        "daily": (N_("Daily"), ""),
        "weekly": (N_("Weekly"), ""),
        "monthly": (N_("Monthly"), ""),
        "quarterly": (N_("Quarterly"), ""),
        "yearly": (N_("Yearly"), ""),
    },
    "severity": {
        "error": (N_("Error"), N_("Must be fixed: a rule of the records or the policy is broken.")),
        "warning": (N_("Warning"), N_("Needs attention soon.")),
        "info": (N_("Info"), N_("For information; nothing to do now.")),
        "off": (N_("Off"), N_("The rule is switched off.")),
    },
    "state": {
        # compliance documents and obligations (generator.rules.documents, generator.rules.obligations)
        "valid": (N_("valid"), N_("On file and in force.")),
        "expiring": (N_("expiring"), N_("Still in force, but it stops counting within the warning window.")),
        "undated": (N_("undated"), N_("On file without an issue or expiry date: it proves nothing.")),
        "pending": (N_("pending"), N_("Asked for, not received yet.")),
        "expired": (N_("expired"), N_("No longer in force.")),
        "missing": (N_("missing"), N_("Not on file.")),
        "present": (N_("present"), N_("In a contract in force.")),
        "unknown": (N_("unknown"), N_("Cannot be judged: a record could not be read.")),
        "not required": (N_("not required"), N_("The compliance policy does not ask this of the partner.")),
        # commitments (generator.rules.commitments.STATES) and campaign targets
        "met": (N_("met"), N_("The target or commitment was reached.")),
        "missed": (N_("missed"), N_("The target or commitment was not reached.")),
        "no data": (N_("no data"), N_("The period has ended without the figure to judge it.")),
        "in progress": (N_("in progress"), N_("The period is still running.")),
        # service credits (generator.measure.money.CreditState)
        "owed": (N_("owed"), N_("Earned by a breach, not claimed yet.")),
        "claimed": (N_("claimed"), N_("Claimed from the partner, not received yet.")),
        "received": (N_("received"), N_("Received from the partner.")),
        # contracts (generator.rules.contracts.ContractState)
        "in-force": (N_("in force"), N_("The contract runs today.")),
        "ended": (N_("ended"), N_("The contract's term is over.")),
        "renewed": (N_("renewed"), N_("The contract renewed itself at the end of its term.")),
        # milestones, roadmap items and actions
        "planned": (N_("planned"), ""),
        "in-progress": (N_("in progress"), ""),
        "on-track": (N_("on track"), ""),
        "done": (N_("done"), ""),
        "blocked": (N_("blocked"), N_("Cannot go on until something else is solved.")),
        # red flags
        "open": (N_("open"), N_("Still to be solved.")),
        "resolved": (N_("resolved"), N_("Solved; kept for the record.")),
        # the health status (generator.compute.health.STATUS_OF_GRADE)
        "green": (N_("green"), N_("Healthy: grade A or B.")),
        "amber": (N_("amber"), N_("Needs watching: grade C.")),
        "red": (N_("red"), N_("At risk: grade D or F.")),
        "none": (N_("none"), ""),
        # the severities, when a badge shows one
        "error": (N_("error"), N_("Must be fixed: a rule of the records or the policy is broken.")),
        "warning": (N_("warning"), N_("Needs attention soon.")),
        "info": (N_("info"), N_("For information; nothing to do now.")),
    },
    "rule": {
        # alerts (generator.records.settings.ALERT_RULES); the compliance ones are checks of the records too
        "contract-notice": (N_("Notice deadline"),
                            N_("A contract's notice deadline is near or has passed while it still runs.")),
        "contract-ended": (N_("Contract ended"),
                           N_("An active partner's contract has ended and no other contract is in force.")),
        "contract-renewed": (N_("Contract renewed"),
                             N_("An auto-renewing contract passed its end date; the record still shows the old term.")),
        "compliance-missing": (N_("Document or clause missing"),
                               N_("The compliance policy asks for a document, clause or SLA the partner lacks.")),
        "compliance-expired": (N_("Document expired"), N_("A document the policy requires is no longer in force.")),
        "compliance-expiring": (N_("Document expiring"),
                                N_("A document the policy requires stops counting within the warning window.")),
        "sla-breach": (N_("SLA breached"), N_("A measured month missed an SLA target.")),
        "sla-attainment": (N_("SLA attainment low"),
                           N_("Too few metric-months met their SLA target over the last measured months.")),
        "review-overdue": (N_("Review overdue"), N_("The partner or contract review is past its cadence.")),
        "check-in-stale": (N_("No recent check-in"), N_("An active partner has had no check-in for too long.")),
        "red-flag-open": (N_("Open red flag"), N_("A red flag is still open.")),
        "due-diligence-missing": (N_("Due diligence missing"),
                                  N_("An active partner has no completed due diligence or no evaluation.")),
        "no-backup": (N_("No backup partner"), N_("A critical partner has no vetted backup partner.")),
        "single-source-capability": (N_("Only provider"),
                                     N_("A critical partner is the only active provider of a capability.")),
        "revenue-concentration": (N_("Revenue concentration"),
                                  N_("One partner brings more than the set share of all partner revenue.")),
        "abandonment-anomaly": (N_("Cart abandonment spike"),
                                N_("A day's cart abandonment far above the partner's other days of the campaign.")),
        "low-conversion": (N_("Low conversion"),
                           N_("A high-traffic partner converts far below the other partners of the campaign.")),
        "action-overdue": (N_("Action overdue"), N_("An action, milestone or learning is past its due date.")),
        "silence-expired": (N_("Silence expired"), N_("A silence in partnerbook.yml has passed its end date.")),
        "credit-unclaimed": (N_("Service credit unclaimed"),
                             N_("A service credit earned by an SLA breach has not been claimed in time.")),
        "commitment-missed": (N_("Commitment missed"),
                              N_("A contract commitment was missed in its latest closed period.")),
        # checks of the records (generator/load, generator/checks)
        "yaml-syntax": (N_("YAML syntax error"), N_("The file is not valid YAML.")),
        "yaml-tab": (N_("Tab in YAML"), N_("A tab character where YAML expects spaces.")),
        "yaml-encoding": (N_("Not UTF-8"), N_("The file is not written in UTF-8.")),
        "yaml-empty": (N_("Empty file"), N_("The file holds no record.")),
        "yaml-not-mapping": (N_("Not a record"), N_("The file does not hold 'key: value' lines at the top.")),
        "yaml-too-large": (N_("File too large"), N_("The file is larger than a record can be.")),
        "yaml-too-deep": (N_("Nested too deep"), N_("The YAML nests deeper than a record can.")),
        "yaml-tag": (N_("YAML tag"), N_("YAML tags (!something) are not allowed.")),
        "yaml-anchor": (N_("YAML anchor"), N_("YAML anchors (&name) are not allowed.")),
        "yaml-alias": (N_("YAML alias"), N_("YAML aliases (*name) are not allowed.")),
        "yaml-merge-key": (N_("YAML merge key"), N_("Merge keys (<<) are not allowed.")),
        "yaml-duplicate-key": (N_("Duplicate key"), N_("The same key appears twice in one mapping.")),
        "yaml-complex-key": (N_("Complex key"), N_("A mapping key must be plain text.")),
        "yaml-multiple-documents": (N_("Several documents"), N_("The file holds more than one YAML document.")),
        "unsafe-file": (N_("Unsafe file"), N_("A symbolic link or something other than a regular file.")),
        "file-unreadable": (N_("File unreadable"), N_("The file could not be read.")),
        "folder-unreadable": (N_("Folder unreadable"), N_("The folder could not be read.")),
        "unexpected-file": (N_("Unexpected file"), N_("A file where partnerbook expects none, or of another kind.")),
        "file-extension": (N_("Wrong file extension"), N_("Record files end in .yaml.")),
        "missing-file": (N_("File missing"), N_("A partner folder without its partner.yaml.")),
        "invalid-id": (N_("Invalid id"), N_("Ids are 1-64 lowercase letters, digits and single hyphens.")),
        "missing-field": (N_("Field missing"), N_("A required field is missing.")),
        "unknown-field": (N_("Unknown field"), N_("A field the record does not have (often a typo).")),
        "wrong-type": (N_("Wrong type"), N_("The value is not of the kind the field holds.")),
        "invalid-value": (N_("Invalid value"), N_("The value is not one the field allows.")),
        "out-of-range": (N_("Out of range"), N_("The value is too small or too large.")),
        "negative-count": (N_("Negative count"), N_("A count cannot be below zero.")),
        "percent-for-fraction": (N_("Percent for a fraction"), N_("Rates are fractions: 0.05 for 5%.")),
        "multi-line": (N_("Several lines"), N_("The field holds one line of text.")),
        "unsafe-url": (N_("Unsafe link"), N_("Links are http://, https:// or mailto: addresses, written in full.")),
        "invalid-email": (N_("Invalid email"), N_("The email address is not valid.")),
        "invalid-date": (N_("Invalid date"), N_("Dates are YYYY-MM-DD and months YYYY-MM, and must exist.")),
        "invalid-currency": (N_("Invalid currency"), N_("Currency codes are ISO 4217: three capital letters.")),
        "unknown-currency": (N_("Unknown currency"), N_("The code is not an ISO 4217 currency.")),
        "no-rate": (N_("No exchange rate"), N_("An amount in another currency has no rate for its date.")),
        "rate-for-reporting-currency": (N_("Rate for the reporting currency"),
                                        N_("The reporting currency needs no exchange rate.")),
        "duplicate-entry": (N_("Duplicate entry"), N_("The same entry is recorded twice.")),
        "duplicate-id": (N_("Duplicate id"), N_("Two entries share one id.")),
        "duplicate-name": (N_("Duplicate name"), N_("Two partners share one name.")),
        "duplicate-partner": (N_("Partner twice in a campaign"), N_("A partner has two results in one campaign.")),
        "duplicate-handle": (N_("Duplicate handle"), N_("Two people or roles share one handle.")),
        "date-order": (N_("Dates out of order"), N_("A date comes before the one it must follow.")),
        "future-date": (N_("Date in the future"), N_("Something recorded as done after today.")),
        "tick-in-future": (N_("Ticked in the future"), N_("A checklist item ticked after today.")),
        "unknown-reference": (N_("Unknown reference"), N_("An id that names no partner, campaign or contract.")),
        "unknown-criterion": (N_("Unknown criterion"), N_("An evaluation score for a criterion not in the settings.")),
        "unknown-metric": (N_("Unknown SLA metric"), N_("A measurement of a metric the SLA does not define.")),
        "unknown-document-type": (N_("Unknown document type"),
                                  N_("A document type that is neither built in nor named in the settings.")),
        "unknown-checklist-item": (N_("Unknown checklist item"), N_("A tick for an item no checklist has.")),
        "checklist-definition": (N_("Checklist definition"), N_("A checklist in the settings is not complete.")),
        "unknown-owner": (N_("Unknown owner"), N_("An owner who is no person or role of team.yaml.")),
        "unknown-role": (N_("Unknown role"), N_("A role no roles: entry of team.yaml defines.")),
        "unknown-backup": (N_("Unknown backup"), N_("A backup who is no person of team.yaml.")),
        "ambiguous-owner": (N_("Person and role share an id"), N_("An id that is both a person and a role.")),
        "inactive-owner": (N_("Inactive owner"), N_("A person who is not active still owns partners.")),
        "unstaffed-owner": (N_("Role without people"), N_("A role owns a partner but no active person holds it.")),
        "notice-without-end": (N_("Notice without end date"), N_("A notice period on a contract that never ends.")),
        "funnel-order": (N_("Funnel out of order"), N_("More orders than checkouts, carts or sessions.")),
        "inconsistent-counts": (N_("Counts disagree"), N_("Counts that cannot all be true together.")),
        "credit-not-breached": (N_("Credit without a breach"), N_("A service credit for a month with no breach.")),
        "outside-contract": (N_("Outside the contract"), N_("A breach in a month outside the contract's term.")),
        "compliance-undated": (N_("Document undated"),
                               N_("A required document has neither an issue nor an expiry date.")),
        "clause-missing": (N_("Clause missing"), N_("A contract lacks a clause the compliance policy asks for.")),
        "sla-missing": (N_("SLA missing"), N_("The compliance policy asks this partner for an sla.yaml.")),
        "secret": (N_("Secret in the records"), N_("A password, key or token written in a record.")),
        "card-number": (N_("Card number in the records"), N_("A payment card number written in a record.")),
        "iban": (N_("Bank account in the records"), N_("An IBAN written in a record.")),
        "codeowners-outdated": (N_("CODEOWNERS outdated"), N_("The CODEOWNERS file no longer matches the owners.")),
        "mkdocs-refused": (N_("mkdocs.yml setting refused"), N_("A setting of mkdocs.yml that could run code.")),
        "mkdocs-trusted": (N_("mkdocs.yml trusted"), N_("The whole mkdocs.yml is used, code included.")),
        "no-catalog": (N_("Language not available"),
                       N_("partnerbook has no catalog for site.language: the site is written in English.")),
    },
    "doc": {
        "pci-dss-aoc": (N_("PCI DSS attestation of compliance"),
                        N_("The yearly proof that a card processor meets the PCI DSS standard.")),
        "dpa": (N_("Data processing agreement"),
                N_("The GDPR contract for a partner that handles our customers' personal data.")),
        "soc2-type2": (N_("SOC 2 Type II report"), N_("An auditor's report on a vendor's security controls.")),
        "iso27001": (N_("ISO 27001 certificate"), N_("Certifies the partner's information security management.")),
        "insurance": (N_("Insurance certificate"), N_("Proof of the partner's liability insurance.")),
        "gdpr-sccs": (N_("GDPR standard contractual clauses"),
                      N_("Safeguards for personal data sent outside the EU.")),
    },
    "requirement": {
        "pci-dss": (N_("PCI DSS"), N_("Card payments need a valid PCI DSS attestation and a responsibility clause.")),
        "data-processing": (N_("Data processing"),
                            N_("Partners that handle customer data need a data processing agreement.")),
        "platform-sla": (N_("Platform SLA"), N_("Platform vendors need an SLA record and an SLA clause.")),
        "contract-basics": (N_("Contract basics"),
                            N_("Every contract of an active partner covers termination, disputes and breach.")),
        "contract-data-protection": (N_("Data protection in contracts"),
                                     N_("Contracts of active partners that handle personal data cover data "
                                        "protection.")),
    },
    "clause": {
        "termination": (N_("Termination"), ""),
        "dispute_resolution": (N_("Dispute resolution"), ""),
        "breach_consequences": (N_("Consequences of breach"), ""),
        "data_protection": (N_("Data protection"), ""),
        "ip_protection": (N_("Intellectual property"), ""),
        "liability_cap": (N_("Liability cap"), ""),
        "profit_sharing": (N_("Profit sharing"), ""),
        "pci_responsibility": (N_("PCI DSS responsibilities"), ""),
        "sla": (N_("Service levels (SLA)"), ""),
    },
    "model": {
        "fixed": (N_("Fixed fee"), N_("A set amount per period.")),
        "revenue-share": (N_("Revenue share"), N_("A share of the revenue the partner brings.")),
        "commission": (N_("Commission"), N_("A percentage of each transaction or order.")),
        "per-unit": (N_("Per unit"), N_("A price per unit: shipment, box, response...")),
        "free": (N_("Free"), N_("No charge.")),
    },
    "period": {  # lower case: "49.00 EUR / month"
        "one-off": (N_("one-off"), ""),
        "month": (N_("month"), ""),
        "quarter": (N_("quarter"), ""),
        "year": (N_("year"), ""),
    },
    "commitment-period": {  # "orders at least 500 per quarter"
        "campaign": (N_("per campaign"), N_("Judged on each campaign the partner takes part in.")),
        "month": (N_("per month"), N_("Judged on each calendar month.")),
        "quarter": (N_("per quarter"), N_("Judged on each calendar quarter.")),
        "year": (N_("per year"), N_("Judged on each calendar year.")),
    },
    "exclusivity": {
        "none": (N_("No exclusivity"), ""),
        "partial": (N_("Partial exclusivity"), N_("Exclusive for some products, channels or regions.")),
        "full": (N_("Full exclusivity"), N_("Exclusive for everything the contract covers.")),
    },
    "role": {  # RACI; a team's own roles carry their name in team.yaml
        "owner": (N_("Owner"), N_("The person or role in charge of the partner.")),
        "responsible": (N_("Responsible"), N_("Does the work.")),
        "accountable": (N_("Accountable"), N_("Answers for the result and signs off.")),
        "consulted": (N_("Consulted"), N_("Asked for advice before.")),
        "informed": (N_("Informed"), N_("Told about the result.")),
    },
    "kind": {  # check-ins
        "call": (N_("Call"), ""),
        "qbr": (N_("Quarterly business review"), N_("A QBR: results, issues and plans of the quarter.")),
        "email": (N_("Email"), ""),
        "workshop": (N_("Workshop"), ""),
        "visit": (N_("Visit"), ""),
    },
    "deadline": {  # generator.rules.contracts.key_dates
        "notice deadline": (N_("notice deadline"), N_("The last day to give notice before the contract ends "
                                                      "or renews.")),
        "contract end": (N_("contract end"), N_("The contract ends.")),
        "auto-renewal": (N_("auto-renewal"), N_("The contract renews by itself unless notice was given.")),
    },
    "evaluation": {  # generator.records.settings.DEFAULT_CRITERIA
        "product_alignment": (N_("Product fit"), N_("How well the partner's offer fits our products.")),
        "compliance": (N_("Compliance"), N_("Certifications, data protection and legal standing.")),
        "integration": (N_("Integration"), N_("How easily it connects to our shop and tools.")),
        "customer_experience": (N_("Customer experience"), N_("What our customers see and feel of it.")),
        "experience": (N_("Experience"), N_("Track record with shops like ours.")),
        "reputation": (N_("Reputation"), N_("Reviews, references and public record.")),
        "compatibility": (N_("Compatibility"), N_("Fit with our processes and other partners.")),
        "culture_fit": (N_("Culture fit"), N_("Shared values and ways of working.")),
        "financial_health": (N_("Financial health"), N_("The partner's financial stability.")),
    },
    "component": {  # generator.compute.health.COMPONENTS and the other reasons for lost points
        "evaluation": (N_("Evaluation"), N_("The weighted evaluation score.")),
        "compliance": (N_("Compliance"), N_("Documents, clauses and SLA the policy asks for.")),
        "sla": (N_("SLA"), N_("SLA attainment over the last measured months.")),
        "performance": (N_("Performance"), N_("Campaign results against their targets.")),
        "satisfaction": (N_("Satisfaction"), N_("CSAT and NPS of the partner's customers.")),
        "alerts": (N_("Alerts"), N_("Open alerts no component already counts.")),
        "cap": (N_("Grade cap"), N_("An open problem limits the grade.")),
    },
    "maturity": {
        "basic": (N_("Basic"), N_("Manual exchanges: email, spreadsheets.")),
        "standard": (N_("Standard"), N_("Plugins or file exchanges that work.")),
        "advanced": (N_("Advanced"), N_("APIs, webhooks and a sandbox.")),
    },
    "financial-health": {
        "strong": (N_("Strong"), ""),
        "adequate": (N_("Adequate"), ""),
        "weak": (N_("Weak"), ""),
    },
}


def label(kind: str, value: str | None) -> str:
    """The plain label of ``value`` (a ``kind`` id) in the current language; the id itself when unknown."""
    if value is None:
        return _("n/a")
    entry = LABELS.get(kind, {}).get(value)
    return _(entry[0]) if entry else value


def help_text(kind: str, value: str | None) -> str:
    """The short help of ``value`` in the current language; empty when there is none."""
    entry = LABELS.get(kind, {}).get(value or "")
    return _(entry[1]) if entry and entry[1] else ""
