"""The manual verification queue: open items, leased claims, decisions, a module each.

A claim is a lease: one reviewer holds an item until the lease lapses
(``review_lease_seconds``, 15 minutes by default). Each claim increments the item's
``fencing`` number with a compare-and-set UPDATE, so of two reviewers claiming at once
exactly one wins, and a decision sent under an older claim (its ``fencing`` no longer
current) or a lapsed one is refused. Approval issues the label through the same code
path as automatic approval (``issue_for_verification``). Every claim, release, decision
and case view is written to the audit log in the same transaction.

Modules: ``reasons`` (the reason codes and what the applicant is told), ``queue`` (opening and
listing items), ``leases`` (claim, claim the next, release), ``decisions``, ``cases`` (one case as
the reviewer sees it).
"""
