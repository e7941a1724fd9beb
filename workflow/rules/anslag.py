"""The public notice board (anslagstavla): every posted protocol's notice, read for anyone.

A samordningsförbund is a public authority: the notice of each signed protocol is posted
(kommunallagen 8 kap. 12 §) and says the organ, the meeting's date, when the notice went up
and comes down, where the protocol is kept and the last day to appeal. A notice is up until
the appeal time has run out; the day after, it is taken down and the decisions gain legal
force (laga kraft) unless someone appealed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from xml.etree import ElementTree as ET

from sqlmodel import Session, col, select

from workflow.models import ZONE, Association, Meeting
from workflow.models.protocols import ProtocolPosting
from workflow.rules import paging
from workflow.rules.protocols import ORGAN, last_appeal_day, legal_force_date

# How many notices the Atom feed carries.
FEED_SIZE = 20


@dataclass(frozen=True)
class PublicNotice:
    """One notice as the board shows it."""

    meeting_id: int
    organ: str
    meeting_date: date
    posted_on: date
    taken_down_on: date
    last_appeal_day: date
    kept_at: str
    # Still on the board: the appeal time has not run out.
    up: bool


def notice(
    meeting_id: int, meeting_date: date, posted_on: date, kept_at: str, today: date
) -> PublicNotice:
    """The notice of a protocol posted on `posted_on`, as it stands on `today`."""
    taken_down_on = legal_force_date(posted_on)
    return PublicNotice(
        meeting_id=meeting_id,
        organ=ORGAN,
        meeting_date=meeting_date,
        posted_on=posted_on,
        taken_down_on=taken_down_on,
        last_appeal_day=last_appeal_day(posted_on),
        kept_at=kept_at,
        up=today < taken_down_on,
    )


def _query(association_id: int) -> Any:
    """The association's notices, newest posting first; only the columns shown."""
    return (
        select(Meeting.id, Meeting.date, ProtocolPosting.posted_on, ProtocolPosting.kept_at)
        .join(ProtocolPosting, col(ProtocolPosting.meeting_id) == col(Meeting.id))
        .where(Meeting.association_id == association_id)
        .order_by(
            col(ProtocolPosting.posted_on).desc(),
            col(Meeting.date).desc(),
            col(Meeting.id).desc(),
        )
    )


def board(
    session: Session, association: Association, page: int, per_page: int, today: date
) -> paging.Page:
    """One page of the association's notices (newest first); two statements at any size."""
    shown = paging.paginate(session, _query(association.id), page, per_page, clamped=True)  # type: ignore[arg-type]
    rows = [notice(*row, today=today) for row in shown.rows]
    return paging.Page(rows, shown.page, shown.per_page, shown.total)


def latest(
    session: Session, association: Association, today: date, limit: int = FEED_SIZE
) -> list[PublicNotice]:
    """The newest `limit` notices, for the feed."""
    rows = session.exec(_query(association.id).limit(limit)).all()  # type: ignore[arg-type]
    return [notice(*row, today=today) for row in rows]


def posted_meeting(session: Session, association: Association, meeting_id: int) -> Meeting | None:
    """The association's meeting whose protocol is posted (so signed), else None."""
    return session.exec(
        select(Meeting)
        .join(ProtocolPosting, col(ProtocolPosting.meeting_id) == col(Meeting.id))
        .where(Meeting.id == meeting_id, Meeting.association_id == association.id)
    ).first()


@dataclass(frozen=True)
class FeedEntry:
    """One entry of an Atom feed."""

    id: str
    title: str
    updated: date
    summary: str
    link: str


ATOM = "http://www.w3.org/2005/Atom"


def _stamp(day: date) -> str:
    """An Atom date (RFC 3339) for a day: its start in Swedish time."""
    return datetime.combine(day, time(), tzinfo=ZONE).isoformat()


def atom_feed(
    *, feed_id: str, title: str, link: str, self_link: str, author: str, entries: list[FeedEntry]
) -> bytes:
    """An Atom 1.0 document (RFC 4287) of `entries`.

    Built with the standard library: no feed library is installed, and the few elements a
    feed of notices needs do not call for a new dependency.
    """
    ET.register_namespace("", ATOM)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed")
    feed.set("xml:lang", "sv")
    add(feed, "id", feed_id)
    add(feed, "title", title)
    newest = max((entry.updated for entry in entries), default=None)
    add(feed, "updated", _stamp(newest) if newest else "1970-01-01T00:00:00+00:00")
    add(feed, "link", rel="alternate", type="text/html", href=link)
    add(feed, "link", rel="self", type="application/atom+xml", href=self_link)
    add(add(feed, "author"), "name", author)
    for entry in entries:
        element = add(feed, "entry")
        add(element, "id", entry.id)
        add(element, "title", entry.title)
        add(element, "updated", _stamp(entry.updated))
        add(element, "link", rel="alternate", type="text/html", href=entry.link)
        add(element, "summary", entry.summary, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
