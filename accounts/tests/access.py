"""Access expectations for accounts' routes: the portal, /api/v1/me, login and the admin.

Format: config/tests/access.py.
"""

from __future__ import annotations

from accounts.models import Invitation
from config.tests.access import Case, World, expect


def carols_invitation(world: World) -> dict[str, str]:
    """Acme invites carol (a candidate today) to recruit for it."""
    invitation = Invitation.objects.create(
        company=world.acme, email=world.candidate.email, invited_by=world.recruiter
    )
    return {"token": invitation.token}


PORTAL_PAGE = expect(200, anonymous=302, candidate=403, other_candidate=403, staff=403)
NOT_STAFF_TO_ADMIN_LOGIN = expect(302, staff=200)
SIGNED_IN_USERS_ARE_SENT_ON = expect(302, anonymous=200)

CASES = [
    Case("portal:dashboard", expect=PORTAL_PAGE),
    Case("portal:team", expect=PORTAL_PAGE),
    Case(
        "portal:team",
        method="POST",
        data={"email": "new.hire@example.test", "role": "recruiter"},
        # Owners (alice at Acme, charlie at Globex) invite into their own company; a plain
        # recruiter (bob) may not invite.
        expect=expect(302, candidate=403, other_candidate=403, teammate=403, staff=403),
        label="invite",
    ),
    Case(
        "portal:accept_invitation",
        kwargs=carols_invitation,
        # Anyone holding the secret link sees whom it invites; only carol may accept it.
        expect=expect(200),
    ),
    Case(
        "portal:accept_invitation",
        method="POST",
        kwargs=carols_invitation,
        expect=expect(403, anonymous=302, candidate=302),
        label="accept",
    ),
    Case(
        "portal:accept_invitation",
        kwargs={"token": "not-a-real-token"},
        expect=expect(404),
        label="unknown token",
    ),
    Case("api:me", expect=expect(200, anonymous=401)),
    Case(
        "api:me",
        method="PATCH",
        data={"first_name": "Renamed"},
        expect=expect(200, anonymous=401),
        label="update",
    ),
    Case("account_login", expect=SIGNED_IN_USERS_ARE_SENT_ON),
    Case("account_signup", expect=SIGNED_IN_USERS_ARE_SENT_ON),
    Case("account_logout", method="POST", expect=expect(302)),
    Case("admin:index", expect=NOT_STAFF_TO_ADMIN_LOGIN),
    Case("admin:accounts_user_changelist", expect=NOT_STAFF_TO_ADMIN_LOGIN),
    Case("admin:accounts_company_changelist", expect=NOT_STAFF_TO_ADMIN_LOGIN),
    Case("admin:accounts_membership_changelist", expect=NOT_STAFF_TO_ADMIN_LOGIN),
    Case("admin:accounts_invitation_changelist", expect=NOT_STAFF_TO_ADMIN_LOGIN),
    Case(
        "admin:accounts_company_change",
        kwargs=lambda world: {"object_id": world.acme.pk},
        expect=NOT_STAFF_TO_ADMIN_LOGIN,
    ),
]
