"""What the dashboard page shows: the query results turned into charts and figures."""

from __future__ import annotations

from typing import Any

from analytics.dashboards import charts, queries
from analytics.dashboards.charts import Series

ONE = [Series("Applications", "s1")]


def _pct(value: float | None) -> str:
    return "\u2013" if value is None else f"{100 * value:.0f} %"


def funnel_chart(stages: list[queries.FunnelStage]) -> charts.Chart:
    progress = [s for s in stages if s.kind in ("open", "hired")]
    return charts.hbars(
        id="funnel",
        title="Funnel: applications that reached each stage",
        description="Applications that reached each stage or a later one, with the share of "
        "the previous stage that got there.",
        categories=[s.name for s in progress],
        series=ONE,
        values=[[s.reached for s in progress]],
        notes=[f"{s.reached:,} · {_pct(s.from_previous)} of previous" for s in progress],
        value_header=["Reached", "Conversion from previous stage"],
    )


def time_in_stage_chart(rows: list[dict[str, Any]]) -> charts.Chart:
    return charts.hbars(
        id="time-in-stage",
        title="Time in stage: days, median and 90th percentile",
        description="How long applications stayed in each stage before moving on "
        "(finished stays only).",
        categories=[r["name"] for r in rows],
        series=[Series("Median", "s1"), Series("90th percentile", "s2")],
        values=[[r["median_days"] for r in rows], [r["p90_days"] for r in rows]],
        unit=" d",
    )


def sources_chart(rows: list[dict[str, Any]]) -> charts.Chart:
    return charts.hbars(
        id="sources",
        title="Source: applications by source",
        description="Applications in the period by where they came from.",
        categories=[r["source"] for r in rows],
        series=ONE,
        values=[[r["applications"] for r in rows]],
    )


def scores_chart(rows: list[dict[str, Any]]) -> charts.Chart:
    groups = ("applicants", "advanced", "hired")
    totals = {g: sum(r[g] for r in rows) for g in groups}
    shares = [[100 * r[g] / totals[g] if totals[g] else 0 for r in rows] for g in groups]
    return charts.columns(
        id="scores",
        title="Match score of applicants, of those advanced and of those hired",
        description="Share of each group per match-score bucket: when the matching engine "
        "ranks the people the team hires, the hired bars lean to the right.",
        categories=[r["label"] for r in rows],
        series=[Series("All applicants", "s1"), Series("Advanced", "s2"), Series("Hired", "s3")],
        values=shares,
        unit=" %",
    )


def activity_chart(rows: list[dict[str, Any]]) -> charts.Chart:
    return charts.hbars(
        id="activity",
        title="Recruiter: stage changes per recruiter",
        description="Stage changes each member of the team made in the period.",
        categories=[r["name"] or r["email"] for r in rows],
        series=ONE,
        values=[[r["moves"] for r in rows]],
        notes=[f"{r['moves']:,} moves · {r['hires']} hires · {r['rejections']} rejections"
               for r in rows],
        value_header=["Stage changes", "Detail"],
    )  # fmt: skip


def dashboard(filters: queries.Filters) -> dict[str, Any]:
    """The page's figures: three statements (the cohort's six figures, time in stage,
    recruiter activity; each of the last two reads its own table)."""
    cohort = queries.cohort_figures(filters)
    stay = queries.time_in_stage(filters)
    activity = queries.recruiter_activity(filters)
    return {
        "summary": cohort["summary"],
        "funnel": cohort["funnel"],
        "funnel_chart": funnel_chart(cohort["funnel"]),
        "time_to_hire": cohort["time_to_hire"],
        "time_in_stage": stay,
        "time_in_stage_chart": time_in_stage_chart(stay),
        "sources_chart": sources_chart(cohort["by_source"]),
        "sources_recorded": queries.sources_recorded(),
        "jobs": cohort["jobs"],
        "scores_chart": scores_chart(cohort["score_distribution"]),
        "activity_chart": activity_chart(activity),
    }
