"""Labels: issuing, checking, suspending, resuming, revoking, and the Token Status Lists, a module each.

Lifecycle. A label is issued when a verification is approved (automatically or by a
reviewer); it expires after ``label_lifetime_days``. A new label supersedes the older live
labels of the same account on the same platform *in the same domain* (a renewed 医师执业证书
replaces the old medical label; a teacher label does not touch a legal one): they are
revoked with reason ``superseded``. The owning platform or an admin may suspend a label
(reversible: resume) or revoke it (final). Every issue, revocation, suspension and
resumption is written to the audit log in the same transaction.

Status lists. Each label gets a random, never reused global ``status_index`` (the unique
column makes a double allocation fail; a savepoint retries it) and carries
``status.status_list {idx, uri}``. ``GET /v1/status-lists/<n>`` serves list ``n`` as a signed
``statuslist+jwt`` with 2 bits per label (0 valid, 1 revoked or suspended: what the check
answers), rebuilt at most every ``status_list_ttl_seconds``: a change shows in the list within
that ttl.

The check hot path reads no database: the signature step is cached per token
(:class:`~verify.labels.cache.VerifiedTokens`), the label shown comes from the token's claims,
and revoked or suspended labels come from an in-process
:class:`~verify.labels.cache.StatusBoard`. Every label change (and a withdrawn signing key)
moves the database's ``label_changes`` counter in its transaction and the machine's
:class:`~verify.labels.changes.ChangeCounter` after its commit, both before the call that made it
answers; each check compares them with what its board last read (the database's only on
PostgreSQL, through one shared query: ``freshness``) and reads the audit log's label events (and
reloads the keyring) only when they moved. So a change is answered by every process of every node
as soon as its call has answered. A suspended label is answered ``revoked`` (the contract's
reasons are fixed); its state shows as ``suspended`` in the account's labels.

Modules: ``issuing`` (issue, supersede, status index), ``checking`` (the hot path), ``caches`` (this
process's label state), ``freshness`` (how every node learns of a change), ``changes`` (revoke,
suspend, resume), ``compromise`` (a withdrawn signing key), ``status_lists``, ``reading`` (an
account's labels), ``state`` and ``views`` (the label as shown).
"""
