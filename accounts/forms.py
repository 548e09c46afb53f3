from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import Membership


class InvitationForm(forms.Form):
    """Invite by email. Only an owner may invite another owner; admins invite admins and
    recruiters (an admin must not be able to hand out more rights than they hold)."""

    email = forms.EmailField(widget=forms.EmailInput(attrs={"placeholder": "name@company.com"}))
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.RECRUITER)

    def __init__(self, *args: Any, inviter: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if inviter.role != Membership.Role.OWNER:
            self.fields["role"].choices = [
                (value, label)
                for value, label in Membership.Role.choices
                if value != Membership.Role.OWNER
            ]
