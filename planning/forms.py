"""The forms of strategic planning's records: one row each."""

from microcred.records.forms import COUNT_INPUT, DATE_INPUT, MONEY_INPUT, RecordForm

from .models import CandidateForecast, Competitor, CostLine, PriceTier, Stakeholder

# ISO dates are what a date input sends and what it shows.


class StakeholderForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = Stakeholder
        fields = [
            "name",
            "side",
            "interest",
            "consultation",
            "consultation_other",
            "consulted_from",
            "consulted_until",
        ]
        widgets = {"consulted_from": DATE_INPUT, "consulted_until": DATE_INPUT}
        help_texts = {
            "interest": "What they want from the microcredential.",
            "consultation_other": "Only when you chose Other.",
        }


class CompetitorForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = Competitor
        fields = ["name", "offering", "price", "how_we_win"]
        widgets = {"price": MONEY_INPUT}
        help_texts = {"price": "Leave empty if you do not know it; 0 if it is free."}


class PriceTierForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = PriceTier
        fields = [
            "name",
            "audience",
            "audience_other",
            "price",
            "seats",
            "valid_from",
            "valid_to",
        ]
        widgets = {
            "price": MONEY_INPUT,
            "seats": COUNT_INPUT,
            "valid_from": DATE_INPUT,
            "valid_to": DATE_INPUT,
        }
        help_texts = {
            "name": "A name for this price, such as “Member, early adopter”.",
            "audience_other": "Only when you chose Other.",
            "price": "For a licence, the price of all its seats.",
            "seats": "Only for an organization licence.",
            "valid_to": "Leave empty if the price has no end date.",
        }


class CostLineForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = CostLine
        fields = ["item", "category", "category_other", "amount", "year", "every_year"]
        widgets = {"amount": MONEY_INPUT}
        help_texts = {
            "category_other": "Only when you chose Other.",
            "amount": "For a cost that falls every year, what it costs in one year.",
            "year": "Year 1 is the first year of the program. Leave empty for a cost that "
            "falls every year.",
        }


class CandidateForecastForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = CandidateForecast
        fields = ["year", "price_tier", "candidates"]
        widgets = {"candidates": COUNT_INPUT}
        help_texts = {
            "candidates": "For an organization licence, the candidates its seats cover.",
        }
