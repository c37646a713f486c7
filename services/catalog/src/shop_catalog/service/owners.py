"""Who owns what is made, and who may see it (issue 14, the agency): the person asking
(`shop_platform.accounts.Principal`) decides both. A photographer sees and changes only
their own media, galleries, price lists and selections; anything else answers as if it
did not exist (404, or a 422 naming an id in a body), so ids cannot be probed."""

from __future__ import annotations

from shop_catalog.domain.owners import SHOP, Owner
from shop_platform.accounts import Principal


def creator(who: Principal) -> Owner:
    """Whose a new media, gallery, price list or selection is: a photographer's own; the
    shop's (no photographer) when the owner (or anyone else) makes it."""
    if who.photographer_scope is None:
        return SHOP
    return Owner(who.photographer_scope, who.name, who.email)


def sees(who: Principal, owner: Owner) -> bool:
    """May `who` see (and, with the permission, change) what `owner` owns?"""
    return who.owns(owner.photographer_id)
