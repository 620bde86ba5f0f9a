"""Forms of the training pages; the services check who may write and what."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from representatives.forms import StyledFormMixin
from representatives.models import Region

from .models import Course, Question, Quiz, TrainingSession

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CourseForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Course
        fields = ["congress", "title", "organiser", "level", "is_induction", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, congresses, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["congress"]).queryset = congresses
        self.style_fields()


class SessionForm(StyledFormMixin, forms.ModelForm):
    invite_serving = forms.BooleanField(label=_("邀请该届全体在任代表"), required=False, initial=True)

    class Meta:
        model = TrainingSession
        fields = ["date", "place", "hours"]
        widgets = {"date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class AttendanceForm(forms.Form):
    """The roster's ticks: the invitees who attended (the others did not)."""

    present = forms.TypedMultipleChoiceField(label=_("出席代表"), coerce=int, required=False)

    def __init__(self, *args, invited: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.TypedMultipleChoiceField, self.fields["present"]).choices = [(pk, pk) for pk in invited]


LETTERS = "ABCDEFGH"


class QuestionForm(StyledFormMixin, forms.Form):
    region = forms.ModelChoiceField(label=_("区域"), queryset=Region.objects.none())
    topic = forms.CharField(label=_("专题"), max_length=50)
    kind = forms.ChoiceField(label=_("题型"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("题目"), widget=forms.Textarea(attrs={"rows": 3}))
    options = forms.CharField(
        label=_("选项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个选项，依次为 A、B、C……；判断题不填。"),
    )
    answer = forms.CharField(
        label=_("答案"),
        max_length=20,
        help_text=_("选项字母，多选用逗号分隔，如 A,C；判断题填 A（正确）或 B（错误）。"),
    )
    explanation = forms.CharField(label=_("解析"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["region"]).queryset = regions
        self.style_fields()

    def clean_options(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]
        if len(lines) > len(LETTERS):
            raise forms.ValidationError(_("选项最多 %(n)d 个。") % {"n": len(LETTERS)})
        return lines

    def clean_answer(self) -> list[int]:
        letters = [part.strip().upper() for part in self.cleaned_data["answer"].replace("，", ",").split(",")]
        if not letters or any(len(letter) != 1 or letter not in LETTERS for letter in letters):
            raise forms.ValidationError(_("答案须是选项字母，如 A 或 A,C。"))
        return [LETTERS.index(letter) for letter in letters]

    @classmethod
    def initial_of(cls, question: Question) -> dict:
        return {
            "region": question.region_id,
            "topic": question.topic,
            "kind": question.kind,
            "text": question.text,
            "options": "\n".join(question.options),
            "answer": ",".join(LETTERS[i] for i in question.answer),
            "explanation": question.explanation,
        }


class QuizForm(StyledFormMixin, forms.ModelForm):
    topics = forms.MultipleChoiceField(label=_("专题"), widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Quiz
        fields = ["congress", "title", "topics", "question_count", "minutes", "attempts_allowed"]

    def __init__(self, *args, congresses, topics: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["congress"]).queryset = congresses
        cast(forms.MultipleChoiceField, self.fields["topics"]).choices = [(t, t) for t in topics]
        self.style_fields()

    def _post_clean(self):
        # The service checks the bank holds enough questions and says why in words.
        pass
