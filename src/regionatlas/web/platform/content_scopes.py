"""Scoped invalidation of the public page cache: which parts of the content a cached page
shows (its *scopes*), which parts an audited write changed, and a per-process log of the
scopes written since a page was stored.

* A page's scopes come from its path (``page_scopes``) or from its route (``Ctx.render(...,
  scopes=…)``): ``thread:T``, ``group:G``, ``org:O``, ``forum`` (group lists, counts, latest
  activity), ``events``, ``news``, ``actors``. ``*`` (the default for any page not listed)
  depends on every write.
* A write's scopes are derived from its audit rows (``write_scopes``): table, entity id and
  the row's before/after values. A reply to thread T is ``thread:T``, ``group:G`` and
  ``forum``. A write whose effect is not known exactly – a renamed working group or account
  (shown on many pages), an unknown table – is ``site``: every page is stale. Correctness
  first: only rows known to be invisible to anonymous visitors have no scope.
* ``ScopeLog``: the audit rows after a page's version are read once per process (ids are
  the content version, see page_cache.py) and their scopes kept, so a page stored under
  version V is still current at version M when no write in (V, M] touches its scopes. Ids
  missing from the log in that range (rolled-back sequence numbers on PostgreSQL) count as
  ``site``.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

SITE = "site"  # a write that may change every page
ANY = "*"  # a page that depends on every write
EVERYTHING = frozenset({SITE})
NOTHING: frozenset[str] = frozenset()
MAX_GAP = 500  # more audit rows than this since a page's version: re-render it
MAX_LOG = 20_000  # audit ids whose scopes are kept per process

_PATHS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], frozenset[str]]]] = [
    (re.compile(r"^/\w+/platform/$"), lambda m: frozenset({"forum", "news", "events"})),
    (re.compile(r"^/\w+/platform/groups/$"), lambda m: frozenset({"forum"})),
    (re.compile(r"^/\w+/platform/threads/(\d+)/$"), lambda m: frozenset({f"thread:{m[1]}"})),
    (re.compile(r"^/\w+/platform/actors/$"), lambda m: frozenset({"actors"})),
    (re.compile(r"^/\w+/platform/actors/(\d+)/$"), lambda m: frozenset({f"org:{m[1]}"})),
    (re.compile(r"^/\w+/platform/events/$"), lambda m: frozenset({"events"})),
    (re.compile(r"^/\w+/platform/events/(\d+)/$"), lambda m: frozenset({"events"})),
    (re.compile(r"^/\w+/platform/timeline/$"), lambda m: frozenset({"events"})),
]

# rows never shown to anonymous visitors (moderation reports, audit-only actions)
_PRIVATE_TABLES = frozenset({"report", "account_token", "survey_invitation"})
_PRIVATE_ACTIONS = frozenset(
    {"password_reset", "password_change", "totp_enabled", "download", "export", "invite", "remind"}
)


def page_scopes(path: str) -> frozenset[str]:
    """The scopes a cached page at ``path`` shows; ``{"*"}`` when not known."""
    for pattern, scopes in _PATHS:
        if m := pattern.match(path):
            return scopes(m)
    return frozenset({ANY})


def stale(page: frozenset[str], changed: frozenset[str]) -> bool:
    """Whether writes with scopes ``changed`` make a page with scopes ``page`` stale."""
    if not changed:
        return False
    return SITE in changed or ANY in page or not page.isdisjoint(changed)


def _values(row: dict[str, Any], name: str) -> set[Any]:
    out = set()
    for side in (row.get("before"), row.get("after")):
        if isinstance(side, dict) and side.get(name) is not None:
            out.add(side[name])
    return out


def _post_threads(row: dict[str, Any], post_threads: dict[int, int]) -> set[int]:
    threads = {int(t) for t in _values(row, "thread_id")}
    if not threads and (row.get("entity_id") or "").isdigit():
        found = post_threads.get(int(row["entity_id"]))
        threads = {found} if found is not None else set()
    return threads


def _thread_groups(thread: int, row: dict[str, Any] | None, groups: dict[int, int]) -> set[int]:
    out = {int(g) for g in _values(row, "group_id")} if row is not None else set()
    if thread in groups:
        out.add(groups[thread])
    return out


def write_scopes(
    row: dict[str, Any], thread_groups: dict[int, int], post_threads: dict[int, int]
) -> frozenset[str]:
    """The scopes an audit row (entity, entity_id, action, before, after) changed;
    ``thread_groups``: thread id -> working group id, ``post_threads``: post id -> thread id
    (for rows whose before/after lack them: an update lists the changed columns only)."""
    entity, action = row["entity"], row["action"]
    eid = row.get("entity_id") or ""
    if entity in _PRIVATE_TABLES or action in _PRIVATE_ACTIONS:
        return NOTHING
    if action not in ("insert", "update", "delete"):
        return EVERYTHING
    if entity in ("post", "thread"):
        if entity == "post":
            threads = _post_threads(row, post_threads)
        else:
            threads = {int(eid)} if eid.isdigit() else set()
        out = {"forum", *(f"thread:{t}" for t in threads)}
        for t in threads:
            groups = _thread_groups(t, row if entity == "thread" else None, thread_groups)
            if not groups:
                return EVERYTHING
            out |= {f"group:{g}" for g in groups}
        return frozenset(out) if threads else EVERYTHING
    if entity == "group_member":  # primary key "group/account"
        group = eid.split("/")[0]
        return frozenset({"forum", f"group:{group}"}) if group.isdigit() else EVERYTHING
    if entity == "document":
        groups, events = _values(row, "group_id"), _values(row, "event_id")
        if not groups and not events:
            return EVERYTHING
        return frozenset({*(f"group:{g}" for g in groups), *(["events"] if events else [])})
    if entity in ("event", "event_registration", "timeline_entry"):
        return frozenset({"events"})  # group pages and the start page show events too
    if entity == "news_item":
        return frozenset({"news"})
    if entity in ("organisation", "organisation_member"):  # member key "organisation/account"
        org = eid.split("/")[0]
        return frozenset({"actors", f"org:{org}"}) if org.isdigit() else EVERYTHING
    return EVERYTHING  # working groups, accounts (names shown everywhere), anything else


def _parse(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


AUDIT_SQL = (
    "SELECT id, action, entity, entity_id, before, after FROM audit_entry"
    " WHERE (id > {lo} AND id <= {hi}){more} ORDER BY id"
)
THREADS_SQL = "SELECT id, group_id FROM thread WHERE id IN ({ids})"
POSTS_SQL = "SELECT id, thread_id FROM post WHERE id IN ({ids})"


def _ids(values: Iterable[int]) -> str:
    return ",".join(str(int(v)) for v in sorted(values))


def read_changes(
    query: Callable[[str], Sequence[Sequence[Any]]], lo: int, hi: int, more: Iterable[int] = ()
) -> dict[int, frozenset[str]]:
    """The scopes of the audit rows with ids in (lo, hi] or in ``more``; ``query`` runs one
    SQL statement (only integers are formatted into it) and returns its rows."""
    extra = _ids(more)
    sql = AUDIT_SQL.format(lo=int(lo), hi=int(hi), more=f" OR id IN ({extra})" if extra else "")
    rows = [
        {
            "id": int(r[0]),
            "action": r[1],
            "entity": r[2],
            "entity_id": r[3],
            "before": _parse(r[4]),
            "after": _parse(r[5]),
        }
        for r in query(sql)
    ]
    posts = {
        int(r["entity_id"])
        for r in rows
        if r["entity"] == "post"
        and not _values(r, "thread_id")
        and (r["entity_id"] or "").isdigit()
    }
    post_threads: dict[int, int] = {}
    if posts:
        post_threads = {int(p): int(t) for p, t in query(POSTS_SQL.format(ids=_ids(posts)))}
    threads = {t for r in rows if r["entity"] == "post" for t in _post_threads(r, post_threads)}
    threads |= {
        int(r["entity_id"])
        for r in rows
        if r["entity"] == "thread" and (r["entity_id"] or "").isdigit()
    }
    groups: dict[int, int] = {}
    if threads:
        groups = {int(t): int(g) for t, g in query(THREADS_SQL.format(ids=_ids(threads)))}
    return {r["id"]: write_scopes(r, groups, post_threads) for r in rows}


class ScopeLog:
    """The scopes of the audit rows read by this process, contiguous over (floor, upto].

    ``gaps``: ids in that range without a row when read. On PostgreSQL a transaction can
    commit after one with a higher id (sequence numbers are handed out before commit), so a
    page may have been rendered under a version above a row committed later. Each read looks
    for the recent gaps again; a row found late puts its scopes into ``late``, and the page
    store drops every page they touch whatever its version (``take_late``). Gaps older than
    ``MAX_GAP`` ids count as rolled back.
    """

    def __init__(self) -> None:
        self.floor = -1  # nothing known yet
        self.upto = -1
        self.scopes: dict[int, frozenset[str]] = {}
        self.gaps: set[int] = set()
        self.late: set[str] = set()
        self.lock = threading.Lock()

    def take_late(self) -> frozenset[str]:
        """The scopes of rows found late since the last call (see the class doc)."""
        with self.lock:
            out, self.late = frozenset(self.late), set()
        return out

    def changed(
        self, since: int, now: int, query: Callable[[str], Sequence[Sequence[Any]]]
    ) -> frozenset[str]:
        """The scopes written in (since, now]; ``{"site"}`` when they cannot be known."""
        if since == now:
            return NOTHING
        if since > now or now - since > MAX_GAP:
            return EVERYTHING
        with self.lock:
            if self.upto < 0:  # the first question: known from here on
                self.floor = self.upto = since
            if since < self.floor:
                return EVERYTHING
            if now > self.upto:
                if now - self.upto > MAX_GAP:  # long quiet, then many writes: start afresh
                    self.scopes.clear()
                    self.floor = self.upto = since
                self._read(query, now)
            out: set[str] = set()
            for i in range(since + 1, now + 1):
                out |= self.scopes.get(i, EVERYTHING)
                if SITE in out:
                    return EVERYTHING
            return frozenset(out)

    def _read(self, query, now: int) -> None:
        self.gaps = {g for g in self.gaps if g > now - MAX_GAP}
        found = read_changes(query, self.upto, now, self.gaps)
        for g in self.gaps & found.keys():
            self.late |= found[g]
        self.gaps = (self.gaps | set(range(self.upto + 1, now + 1))) - found.keys()
        self.scopes.update(found)
        self.upto = now
        if len(self.scopes) > MAX_LOG:
            self.floor = now - MAX_LOG // 2
            self.scopes = {i: s for i, s in self.scopes.items() if i > self.floor}
