"""``manage.py recount_tallies``: count every summary row of the region figures again, or check them.

After a bulk load that sent no signals, a restore, or a change to what a figure counts, ``recount_tallies``
rebuilds the rows; ``--check`` compares them with a recount and fails if any differs (representatives.tallies).
"""

import time

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.commands import BaseCommand
from representatives import tallies


class Command(BaseCommand):
    help = gettext_lazy("重新计算区域统计数据的汇总计数，或用 --check 核对汇总计数与重新计数是否一致。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help=gettext_lazy("只核对，不修改；有不一致时列出并以错误退出。")
        )
        parser.add_argument(
            "--source",
            action="append",
            choices=sorted(tallies.SOURCES),
            help=gettext_lazy("只处理这一类汇总计数（可多次指定；默认全部）。"),
        )

    def handle(self, *args, check=False, source=None, **options):
        started = time.monotonic()
        if check:
            differences = tallies.check(source)
            for line in differences[:50]:
                self.stderr.write(line)
            if differences:
                raise CommandError(_("汇总计数与重新计数有 %(count)d 处不一致。") % {"count": len(differences)})
            self.stdout.write(
                _("汇总计数与重新计数一致（%(seconds).1f 秒）。") % {"seconds": time.monotonic() - started}
            )
            return
        for name, rows in tallies.rebuild(source).items():
            self.stdout.write(_("%(source)s：%(rows)d 行") % {"source": name, "rows": rows})
        self.stdout.write(_("已重新计算汇总计数，用时 %(seconds).1f 秒。") % {"seconds": time.monotonic() - started})
