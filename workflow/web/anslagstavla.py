"""The public notice board (anslagstavla): posted protocols, their PDFs and an Atom feed.

Open to everyone without signing in, and the same page for everyone: always in Swedish (a
legal notice, like the protocol itself), never writing the session (so no cookie is set),
and marked for shared caches for a few minutes.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, gettext

from workflow import http
from workflow.extensions import db
from workflow.models import Association, today
from workflow.operations import associations, protocols
from workflow.pagecache import cached_page
from workflow.rules import anslag, paging

bp = Blueprint("anslagstavla", __name__)
# The notices are the record of a Swedish authority: the page does not follow the reader's
# language choice, so every visitor (and every cache) gets the same page.
LOCALE = "sv"


def _association(slug: str) -> Association:
    association = associations.by_slug(db.session, slug)
    if association is None:
        abort(404)
    return association


def _public(response: ResponseReturnValue) -> ResponseReturnValue:
    """Mark an answer as the same for everyone, for shared caches."""
    response = current_app.make_response(response)
    response.headers["Cache-Control"] = http.PUBLIC_CACHE
    return response


@bp.route("/anslagstavla")
@cached_page
def index() -> ResponseReturnValue:
    """Every association's notice board."""
    with force_locale(LOCALE):
        body = render_template("anslagstavla/index.html", boards=associations.names(db.session))
    return _public(body)


@bp.route("/anslagstavla/<slug>")
@cached_page
def board(slug: str) -> ResponseReturnValue:
    """The association's posted protocols, the notices still up first, newest first."""
    association = _association(slug)
    shown = anslag.board(
        db.session,
        association,
        paging.page_number(request.args.get("page")),
        current_app.config["PAGE_SIZE"],
        today(),
    )
    with force_locale(LOCALE):
        body = render_template(
            "anslagstavla/board.html",
            association=association,
            shown=shown,
            current=[n for n in shown.rows if n.up],
            earlier=[n for n in shown.rows if not n.up],
        )
    return _public(body)


def _title(notice: anslag.PublicNotice) -> str:
    return gettext("Protocol from the board meeting %(date)s", date=notice.meeting_date.isoformat())


def _summary(association: Association, notice: anslag.PublicNotice) -> str:
    """The notice as one text: what the feed's summary says."""
    if association.publish_protocols:
        where = gettext("The protocol can be read on the notice board.")
    else:
        where = gettext("The protocol is kept at: %(place)s.", place=notice.kept_at)
    return " ".join(
        (
            gettext(
                "The protocol of the board's meeting %(meeting)s is signed and was posted"
                " %(posted)s. The notice is taken down %(down)s.",
                meeting=notice.meeting_date.isoformat(),
                posted=notice.posted_on.isoformat(),
                down=notice.taken_down_on.isoformat(),
            ),
            where,
            gettext("The last day to appeal is %(day)s.", day=notice.last_appeal_day.isoformat()),
        )
    )


@bp.route("/anslagstavla/<slug>/feed.atom")
@cached_page
def feed(slug: str) -> ResponseReturnValue:
    """The newest notices as an Atom feed."""
    association = _association(slug)
    link = url_for("anslagstavla.board", slug=slug, _external=True)
    with force_locale(LOCALE):
        entries = [
            anslag.FeedEntry(
                id=f"{link}#protokoll-{notice.meeting_id}",
                title=_title(notice),
                updated=notice.posted_on,
                summary=_summary(association, notice),
                link=f"{link}#protokoll-{notice.meeting_id}",
            )
            for notice in anslag.latest(db.session, association, today())
        ]
        body = anslag.atom_feed(
            feed_id=link,
            title=gettext("Notice board of %(name)s", name=association.name),
            link=link,
            self_link=url_for("anslagstavla.feed", slug=slug, _external=True),
            author=association.name,
            entries=entries,
        )
    return _public(http.atom_response(body))


@bp.route("/anslagstavla/<slug>/protokoll/<int:meeting_id>.pdf")
def protocol_pdf(slug: str, meeting_id: int) -> ResponseReturnValue:
    """A signed and posted protocol as its stored PDF, when the association publishes them."""
    association = _association(slug)
    meeting = anslag.posted_meeting(db.session, association, meeting_id)
    if not association.publish_protocols or meeting is None:
        abort(404)
    protocol = protocols.build(db.session, meeting)
    if not protocol.signed:
        abort(404)
    return _public(http.protocol_pdf_response(protocol))
