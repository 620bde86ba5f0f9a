"""The admin's roster upload form: the whole file is checked here, before django-import-export reads any row."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from import_export.forms import ImportForm

from core.text import join_list

from .resources import REQUIRED_COLUMNS, SheetCSV, read_roster_file


class SheetImportForm(ImportForm):
    """An admin upload form whose whole file is checked by ``read_file`` before any row is read.

    Subclasses name the file (``file_label``, ``file_help``, ``required_columns``) and its reader.
    """

    file_label = _("名册文件")
    file_help = _(
        "Excel（.xlsx）或 CSV 文件，列名行（其上可以有标题行）必须包含：%(columns)s。"
        "按“代表编号 + 届别代码”识别记录，重复导入同一名册会更新已有记录而不会重复。"
        "任何一行有错，整个文件都不会导入。"
    )
    required_columns = REQUIRED_COLUMNS
    read_file = staticmethod(read_roster_file)

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self._formats = list(formats)
        # The format is read from the file itself, so the user is not asked for it.
        self.fields["format"].required = False
        self.fields["format"].widget = forms.HiddenInput()
        self.fields["import_file"].label = self.file_label
        self.fields["import_file"].help_text = self.file_help % {"columns": join_list(self.required_columns)}
        self.fields["import_file"].widget.attrs["accept"] = ".xlsx,.csv"

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("import_file")
        if upload is None:
            return cleaned_data
        try:
            roster = self.read_file(upload)
        except ValidationError as exc:
            self.add_error("import_file", exc)
            return cleaned_data
        cleaned_data["format"] = str(self._formats.index(roster.format_class))
        if roster.format_class is SheetCSV:
            # A GBK or UTF-16 CSV is handed on as comma-separated UTF-8, the one form the confirm step reads.
            cleaned_data["import_file"] = SimpleUploadedFile(
                upload.name, roster.content, content_type="text/csv; charset=utf-8"
            )
        return cleaned_data
