"""Score a year from the command line, without Celery: for the first run of a year, bench data and cron."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.commands import BaseCommand
from core.text import labelled
from evaluations import services
from evaluations.models import RuleSet
from representatives.models import Region


class Command(BaseCommand):
    help = gettext_lazy("按考评规则计算某年度全部代表的得分。")

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help=gettext_lazy("年度，例如 2025"))
        parser.add_argument("--region", metavar="CODE", help=gettext_lazy("只计算该区域（区划代码）的考评规则"))

    def handle(self, *args, year, region=None, **options):
        rule_sets = RuleSet.objects.filter(year=year).select_related("region").order_by("region__path")
        if region:
            if not Region.objects.filter(code=region).exists():
                raise CommandError(_("没有区划代码为 %(code)s 的区域。") % {"code": region})
            rule_sets = rule_sets.filter(region__code=region)
        rule_sets = list(rule_sets)
        if not rule_sets:
            # Rules are the office's to write; inventing them here would score deputies on rules nobody set.
            raise CommandError(
                _("%(year)d 年度没有考评规则，未计算。请先在管理后台新建或复制考评规则。") % {"year": year}
            )
        failures = 0
        for rule_set in rule_sets:
            label = f"{rule_set.region.name} {rule_set.year}"
            try:
                run = services.score_year_now(rule_set=rule_set)
            except services.TransitionError as exc:
                failures += 1
                self.stderr.write(labelled(label, exc))
                continue
            except Exception as exc:  # noqa: BLE001 — report and go on; the failed run keeps the old results
                failures += 1
                self.stderr.write(
                    _("%(label)s：计算失败，原有结果保持不变（%(error)s）") % {"label": label, "error": exc}
                )
                continue
            self.stdout.write(
                _("%(label)s：已计算 %(count)s 名代表，用时 %(seconds).1f 秒")
                % {"label": label, "count": f"{run.deputies_scored:,}", "seconds": run.seconds or 0}
            )
        if failures:
            raise CommandError(
                _("%(failed)d 套考评规则未能计算。") % {"failed": failures},
            )
