"""The review domain: the queue of flagged and held messages, reports and conversation patterns
that district staff work, in one module per job.

- `payloads`: what staff sockets receive (ids and codes, never message text or names);
- `items`: the item's own records: `review_item_create`, the one place a ReviewItem row is
  created, the pipeline's and the pattern check's ways in, and the bookkeeping every action shares
  (row lock, ReviewAction plus audit entry, resolution);
- `alerts`: safeguarding recipients, alerts and their e-mail;
- `actions`: what staff do to an item and its message (claim, release, uphold, dismiss, warn,
  note, escalate, bulk) and the audit of staff reads;
- `escalation`: the periodic re-escalation of urgent items nobody has acted on.

Actions that change other domains as their purpose (pausing or resuming a match, suspending an
account) are in `actions.review`. Import from the module that does the job; nothing is
re-exported here.
"""
