"""The catalog's emails in the domain: to whom, what they are about (never an order)."""

from __future__ import annotations

from shop_notifications.domain.emails import (
    free_download_about,
    free_download_ready_emails,
    gallery_access_about,
    gallery_access_emails,
    selection_about,
    selection_sent_emails,
)
from shop_notifications.domain.model import Template

from ..factories import CLIENT, free_download_ready, gallery_access_granted, selection_sent


def test_each_goes_to_the_client_vouched_for_by_the_photographer() -> None:
    access, selection, download = (
        gallery_access_emails(gallery_access_granted()),
        selection_sent_emails(selection_sent()),
        free_download_ready_emails(free_download_ready()),
    )
    for (email,) in (access, selection, download):
        assert email.to == CLIENT
        assert not email.template.kind.unvouched  # no hourly limit: the photographer sent it
    assert [access[0].template, selection[0].template, download[0].template] == [
        Template.GALLERY_ACCESS,
        Template.SELECTION_SENT,
        Template.FREE_DOWNLOAD_READY,
    ]


def test_they_are_about_their_own_ids_never_an_order() -> None:
    selection, download = selection_sent(), free_download_ready()
    assert selection_about(selection).correlation_id == selection.selection_id
    assert free_download_about(download).correlation_id == download.grant_id
    assert selection_about(selection).order_id is None
    assert free_download_about(download).order_id is None


def test_one_gallery_access_per_gallery_and_address_whatever_its_case() -> None:
    access = gallery_access_granted()
    shouted = access.model_copy(update={"client_email": f" {CLIENT.upper()} "})
    other_gallery = gallery_access_granted()
    assert gallery_access_about(access) == gallery_access_about(shouted)
    assert gallery_access_about(access) != gallery_access_about(other_gallery)
    assert gallery_access_about(access).order_id is None


def test_an_empty_message_is_no_message() -> None:
    (email,) = selection_sent_emails(selection_sent(message="  \n "))
    assert email.context["message"] is None
