"""``manage.py seed_demo``: a demo city, or with ``--scale city|province`` or ``--deputies N`` benchmark data.

The data itself is built in ``representatives.demo``; apps add builders and flags there.
"""

import time

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.commands import BaseCommand
from representatives import demo, options_cache


class Command(BaseCommand):
    help = gettext_lazy("生成演示数据：江门市的行政区域、各级人大、代表、履职记录和各角色的演示账号。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--deputies",
            type=int,
            default=demo.DEFAULT_DEPUTIES,
            help=gettext_lazy("代表人数（默认 %(default)s；压力测试可设为 300000）。"),
        )
        parser.add_argument(
            "--activities-per-year",
            type=int,
            default=2,
            help=gettext_lazy("每名代表每年的履职记录数（平均，默认 %(default)s）。"),
        )
        parser.add_argument(
            "--years", type=int, default=2, help=gettext_lazy("生成履职记录的年数，含本年（默认 %(default)s）。")
        )
        parser.add_argument(
            "--seed", type=int, default=demo.DEFAULT_SEED, help=gettext_lazy("随机种子，相同种子生成相同数据。")
        )
        parser.add_argument(
            "--batch-size", type=int, default=demo.DEFAULT_BATCH_SIZE, help=gettext_lazy("每批写入的行数。")
        )
        parser.add_argument(
            "--scale",
            choices=sorted(demo.SCALES),
            help=gettext_lazy(
                "按预设规模生成压力测试数据（city：约 6 千名代表；province：约 30 万名代表）；另给的参数优先。"
            ),
        )
        for builder in demo.builders:
            if builder.add_arguments:
                builder.add_arguments(parser)
        # A preset must not override a flag given explicitly, so the flags it sets default to None here and
        # get their real default in handle() only when neither the command line nor the preset gave one.
        self.preset_defaults = {}
        for key in sorted({key for preset in demo.SCALES.values() for key in preset}):
            self.preset_defaults[key] = parser.get_default(key)
            parser.set_defaults(**{key: None})
        # --help would otherwise print that stand-in None as the default.
        for action in parser._actions:
            if action.dest in self.preset_defaults and action.help:
                action.help = str(action.help).replace("%(default)s", str(self.preset_defaults[action.dest]))

    def handle(self, *args, **options):
        preset = demo.SCALES.get(options.pop("scale", None) or "", {})
        for key, default in getattr(self, "preset_defaults", {}).items():
            if options.get(key) is None:
                options[key] = preset.get(key, default)
        if options["deputies"] < 1:
            raise CommandError(_("代表人数至少为 1。"))
        if options["batch_size"] < 1:
            raise CommandError(_("每批行数至少为 1。"))
        if demo.demo_exists():
            self.stdout.write(_("演示数据已存在（%(city)s），未作任何修改。") % {"city": demo.CITY[1]})
            return
        verbosity = options.pop("verbosity")
        # What is left after Django's own flags goes to the builders, including flags that apps added.
        for key in ("settings", "pythonpath", "traceback", "no_color", "force_color", "skip_checks"):
            options.pop(key, None)
        log = self.stdout.write if verbosity >= 1 else None
        started = time.monotonic()
        ctx = demo.seed(log=log, **options)
        # The builders load regions, units and stations in bulk, which sends no signals.
        options_cache.forget()
        self.stdout.write(_("已生成演示数据，用时 %(seconds).1f 秒：") % {"seconds": time.monotonic() - started})
        self.stdout.write("\n".join(demo.summary_lines(ctx)))
        self.stdout.write(
            self.style.SUCCESS(
                _("演示账号（密码均为 %(password)s，仅供演示使用，切勿用于正式环境）：")
                % {"password": demo.DEMO_PASSWORD}
            )
        )
        self.stdout.write("\n".join(demo.account_lines(ctx)))
        for username in ctx.skipped_accounts:
            self.stdout.write(
                self.style.WARNING(_("账号 %(username)s 已存在，未修改其密码。") % {"username": username})
            )
