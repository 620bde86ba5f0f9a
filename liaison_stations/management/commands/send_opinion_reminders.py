from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.commands import BaseCommand
from liaison_stations import reminders


class Command(BaseCommand):
    help = gettext_lazy("发送今天到期前、到期和逾期的选民意见办理提醒（每个环节只发一次）。")

    def handle(self, *args, **options):
        sent = reminders.sweep()
        self.stdout.write(_("已发送 %(n)d 条选民意见办理提醒。") % {"n": sent})
