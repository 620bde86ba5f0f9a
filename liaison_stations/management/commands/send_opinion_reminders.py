from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from liaison_stations import reminders


class Command(BaseCommand):
    help = "Send today's deadline reminders for opinions assigned to handling units (once per step)."

    def handle(self, *args, **options):
        sent = reminders.sweep()
        self.stdout.write(_("已发送 %(n)d 条选民意见办理提醒。") % {"n": sent})
