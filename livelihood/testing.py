"""The permission matrix's 民生实事 objects for one side of its world (congress/testing/matrix.py)."""

import datetime

from django.utils import timezone

from . import services
from .models import Ballot


def build_side(side, year: int, scoped: str) -> None:
    """A project chosen by a closed, secret vote of the side's congress, with a progress report and an
    inspection: what every role's pages and the admin open."""
    project = services.project_create(
        congress=side.congress,
        year=year,
        title=f"{scoped}社区养老服务中心",
        description="新建社区养老服务中心",
        unit=side.unit,
        budget=300,
        by=side.staff,
    )
    ballot = services.ballot_create(
        congress=side.congress,
        year=year,
        kind=Ballot.Kind.SELECTION,
        title=f"{scoped}民生实事项目票决",
        by=side.staff,
        quorum_percent=10,
        majority=Ballot.Majority.VOTERS,
    )
    ballot = services.ballot_open(ballot=ballot, by=side.staff)
    services.ballot_vote(ballot=ballot, by=side.deputy_user, choices={project.pk: "for"})
    side.lh_ballot = services.ballot_close(ballot=ballot, by=side.staff)
    today = timezone.localdate()
    report = services.progress_report_add(project=project, by=side.clerk, date=today, percent=20, text="完成选址")
    inspection = services.inspection_record(
        project=project,
        by=side.staff,
        date=today - datetime.timedelta(days=1),
        participants="代表",
        findings="进度正常",
    )
    project.refresh_from_db()
    side.lh_project = project
    side.owned.update(
        {
            "livelihood.Project": project,
            "livelihood.Ballot": side.lh_ballot,
            "livelihood.ProgressReport": report,
            "livelihood.Inspection": inspection,
        }
    )
