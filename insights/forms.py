import datetime

from dateutil.relativedelta import relativedelta
from django import forms

from insights.selectors import Period

# The longest span between two dates: the page stays quick, and older calls are erased by retention anyway.
LONGEST_SPAN = datetime.timedelta(days=3 * 366)


class PeriodForm(forms.Form):
    """Which weeks the insights page covers: one of the usual spans ending today, or two dates."""

    LAST_4_WEEKS = "4w"
    LAST_3_MONTHS = "3m"
    LAST_12_MONTHS = "12m"
    BETWEEN = "between"

    period = forms.ChoiceField(
        choices=[
            (LAST_4_WEEKS, "Last 4 weeks"),
            (LAST_3_MONTHS, "Last 3 months"),
            (LAST_12_MONTHS, "Last 12 months"),
            (BETWEEN, "Between two dates"),
        ],
        initial=LAST_3_MONTHS,
        required=False,
    )
    first_day = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("period") == self.BETWEEN:
            first, last = data.get("first_day"), data.get("last_day")
            if not first:
                self.add_error("first_day", "Choose the first day.")
            if not last:
                self.add_error("last_day", "Choose the last day.")
            if first and last and first > last:
                self.add_error("last_day", "The last day must be on or after the first day.")
            elif first and last and last - first > LONGEST_SPAN:
                self.add_error("last_day", "Choose at most three years.")
        return data

    def period_ending(self, today):
        """The chosen period; the default (last 3 months) when the form was not valid."""
        choice = self.cleaned_data.get("period") if self.is_valid() else None
        if choice == self.BETWEEN:
            return Period(self.cleaned_data["first_day"], self.cleaned_data["last_day"])
        starts = {
            self.LAST_4_WEEKS: today - datetime.timedelta(weeks=4) + datetime.timedelta(days=1),
            self.LAST_12_MONTHS: today - relativedelta(months=12) + datetime.timedelta(days=1),
        }.get(choice, today - relativedelta(months=3) + datetime.timedelta(days=1))
        return Period(starts, today)
