"""A synthetic, deterministic platform population for benchmarks: accounts, memberships,
threads and posts, every name and text labelled "synthetisch / synthetic".

All accounts share one password hash (hashing 1,000 passwords would only measure Argon2);
``PASSWORD`` logs any of them in.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from regionatlas.platform import security, text
from regionatlas.platform.models import Account, GroupMember, Post, Thread, WorkingGroup

PASSWORD = "synthetic password 0000"
START = datetime(2030, 1, 1, tzinfo=UTC)  # a fixed clock: same data on every run
WORDS = (
    "Pendler",
    "Region",
    "Kreis",
    "Gemeinde",
    "Standort",
    "Mobilität",
    "Co-Working",
    "Strategie",
    "Ziel",
    "Maßnahme",
    "Verflechtung",
    "Zentrum",
    "Achse",
    "Planung",
    "Bahn",
    "Bus",
    "Radweg",
    "Hochschule",
    "Unternehmen",
    "Fachkräfte",
)


def populate(
    s: Session,
    *,
    accounts: int = 1000,
    posts: int = 10_000,
    posts_per_thread: int = 25,
    seed: int = 1,
) -> dict[str, int]:
    """Insert the population into seeded working groups (run ``seed`` first)."""
    rng = random.Random(seed)
    group_ids = list(s.scalars(select(WorkingGroup.id).order_by(WorkingGroup.id)))
    assert group_ids, "seed the working groups first"
    pw = security.hash_password(PASSWORD)
    first_id = (s.scalar(select(Account.id).order_by(Account.id.desc()).limit(1)) or 0) + 1
    s.execute(
        insert(Account),
        [
            {
                "email": f"synth{i:04d}@example.invalid",
                "handle": f"synth{i:04d}",
                "display_name": f"Synthetische Person {i:04d} (synthetic)",
                "role": "member",
                "password_hash": pw,
                "active": True,
                "notify_email": False,
                "failed_logins": 0,
                "created_at": START,
            }
            for i in range(accounts)
        ],
    )
    ids = list(range(first_id, first_id + accounts))
    s.execute(
        insert(GroupMember),
        [
            {"group_id": g, "account_id": a, "role": "member"}
            for a in ids
            for g in rng.sample(group_ids, 2)
        ],
    )
    n_threads = max(1, posts // posts_per_thread)
    thread_rows, post_rows = [], []
    for t in range(n_threads):
        when = START + timedelta(hours=t)
        thread_rows.append(
            {
                "group_id": group_ids[t % len(group_ids)],
                "title": f"[synthetisch] {rng.choice(WORDS)} und {rng.choice(WORDS)} ({t})",
                "author_id": rng.choice(ids),
                "created_at": when,
                "last_post_at": when,
                "locked": False,
                "hidden": False,
            }
        )
    s.execute(insert(Thread), thread_rows)
    thread_ids = list(s.scalars(select(Thread.id).order_by(Thread.id)))[-n_threads:]
    for i in range(posts):
        body = "[synthetisch] " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60)))
        post_rows.append(
            {
                "thread_id": thread_ids[i % n_threads],
                "author_id": rng.choice(ids),
                "body_md": body,
                "body_html": text.render_markdown(body),
                "created_at": START + timedelta(minutes=i),
                "hidden": False,
            }
        )
    s.execute(insert(Post), post_rows)
    return {"accounts": accounts, "threads": n_threads, "posts": posts}
