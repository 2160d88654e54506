"""Customer-value models: BG/NBD, Pareto/NBD and Gamma-Gamma fits, P(alive) and CLV."""

from clientela.analytics.value.fitting import Fit
from clientela.analytics.value.score import ValueResult, value_score

__all__ = ["Fit", "ValueResult", "value_score"]
