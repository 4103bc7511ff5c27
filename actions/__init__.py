"""Orchestration: actions that touch several domains, above all of them (docs/adr/0005-layers.md).

Each module groups one subject's actions (`messages`, `accounts`); each action is a keyword-only
function that calls the domains' services in one transaction. Interfaces (consumers, views, admin,
commands) call these; no domain app imports this package.
"""
