"""Reusable reads over applications."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from applications.models import Application


def with_score(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Annotate `score`: the live match score when matching has one, else the stored one."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from matching.models import Match

    live = Match.objects.filter(job=OuterRef("job"), candidate__user=OuterRef("candidate"))
    return queryset.annotate(score=Coalesce(Subquery(live.values("score")[:1]), "match_score"))


def visible_applications(user: User) -> QuerySet[Application]:
    """Applications `user` may read: a candidate their own, a recruiter their companies'."""
    base = Application.objects.select_related("job__company", "stage", "candidate")
    if user.is_candidate:
        return base.filter(candidate=user)
    company_ids = user.company_ids()
    if not company_ids:
        return base.none()
    return base.filter(Q(job__company_id__in=company_ids))
