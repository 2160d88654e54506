"""The next best action for a customer on the radar: one lever from the domain brief, with the
reason in a sentence a person can check against the figures.

The levers (`Lever`), in the words of the brief: learn more about them (behaviour-triggered
emails), regular incentives (rewards, coupons, flash offers), word of mouth (the referral
programme), ask for suggestions (a satisfaction survey), listen (answer their questions) and
offer a dedicated representative.

`next_action(measures, radar, conversion_pays=..., ready=...)` applies the first rule that
matches, in this order:
1. conversion does not pay for the business: regular incentives, the customer-side lever;
2. a known satisfaction below 0.5: listen before offering more;
3. readiness at or above `ready`: offer a dedicated representative;
4. two or more questions or support contacts: listen (answering them is where personal
   service starts);
5. readiness at or above half of `ready` and no satisfaction known: ask for suggestions;
6. a known satisfaction of 0.7 or more and no referral yet: word of mouth;
7. three or more web actions and no staff interaction: learn more about them;
8. otherwise: regular incentives.
The lever is stored; the sentence is written when read, in the reader's language.
"""

from __future__ import annotations

import math
from enum import StrEnum

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

READY = 0.6


class Lever(StrEnum):
    LEARN_MORE = "learn_more"
    INCENTIVES = "incentives"
    WORD_OF_MOUTH = "word_of_mouth"
    SURVEY = "survey"
    LISTEN = "listen"
    REPRESENTATIVE = "representative"


LEVER_LABELS = {
    Lever.LEARN_MORE: gettext_lazy("Learn more: behaviour-triggered emails"),
    Lever.INCENTIVES: gettext_lazy("Regular incentives: rewards and coupons"),
    Lever.WORD_OF_MOUTH: gettext_lazy("Word of mouth: invite to the referral programme"),
    Lever.SURVEY: gettext_lazy("Ask for suggestions: satisfaction survey"),
    Lever.LISTEN: gettext_lazy("Listen: answer their questions"),
    Lever.REPRESENTATIVE: gettext_lazy("Offer a dedicated representative"),
}


def _known(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A figure as floats, NaN where unknown (a missing column: unknown everywhere)."""
    if name not in frame:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype="float64")


def next_actions(
    frame: pd.DataFrame, readiness, *, conversion_pays: bool, ready: float = READY
) -> np.ndarray:
    """The lever of every row of `frame` (the classification features) with its transparent
    `readiness`, by the rules of the module, first match wins; vectorised for whole runs."""
    score = np.asarray(readiness, dtype="float64")
    satisfaction = _column(frame, "satisfaction")
    known = ~np.isnan(satisfaction)
    questions = np.nan_to_num(_column(frame, "advice_requests")) + np.nan_to_num(
        _column(frame, "support_contacts")
    )
    referrals = np.nan_to_num(_column(frame, "referrals_made"))
    web = np.nan_to_num(_column(frame, "web_actions"))
    staff = np.nan_to_num(_column(frame, "staff_interactions"))
    pays = np.full(len(frame), bool(conversion_pays))
    rules = [
        (~pays, Lever.INCENTIVES),
        (known & (satisfaction < 0.5), Lever.LISTEN),
        (score >= ready, Lever.REPRESENTATIVE),
        (questions >= 2, Lever.LISTEN),
        (~known & (score >= ready / 2), Lever.SURVEY),
        (known & (satisfaction >= 0.7) & (referrals == 0), Lever.WORD_OF_MOUTH),
        ((web >= 3) & (staff == 0), Lever.LEARN_MORE),
    ]
    return np.select(
        [condition for condition, _ in rules],
        [str(lever) for _, lever in rules],
        default=str(Lever.INCENTIVES),
    ).astype(object)


def next_action(measures: dict, radar: dict, *, conversion_pays: bool, ready: float = READY):
    """The lever for one customer: `next_actions` on a one-row frame."""
    row = pd.DataFrame([{k: (np.nan if v is None else v) for k, v in measures.items()}])
    score = float(radar.get("score") or 0.0)
    return Lever(next_actions(row, [score], conversion_pays=conversion_pays, ready=ready)[0])


def action_reason(lever: str, measures: dict, radar: dict, *, conversion_pays: bool) -> str:
    """Why `lever` was chosen, with the figures behind it, in the active language."""
    score = round(100 * float(radar.get("score") or 0.0))
    questions = int(measures.get("advice_requests") or 0) + int(
        measures.get("support_contacts") or 0
    )
    satisfaction = measures.get("satisfaction")
    figures = {
        "score": score,
        "questions": questions,
        "personalised": round(100 * float(measures.get("personalised_share") or 0.0)),
        "rate": float(measures.get("interactions_per_month") or 0.0),
        "purchases": int(measures.get("purchases") or 0),
        "months": float(measures.get("months") or 0.0),
        "web": int(measures.get("web_actions") or 0),
        "satisfaction": round(100 * float(satisfaction)) if _known(satisfaction) else 0,
    }
    if lever == Lever.INCENTIVES and not conversion_pays:
        return _(
            "Turning customers into clients does not pay for this business: keep them buying "
            "with rewards, coupons and flash offers."
        )
    sentences = {
        Lever.LISTEN: (
            _("Satisfaction is low (%(satisfaction)d/100): listen and put things right first.")
            if _known(satisfaction) and satisfaction < 0.5
            else _(
                "%(questions)d questions and support contacts: answer them with undivided "
                "attention; that is where personal service starts."
            )
        ),
        Lever.REPRESENTATIVE: _(
            "Readiness %(score)d/100: %(purchases)d purchases in %(months).1f months, "
            "%(personalised)d%% of spend personalised, %(rate).1f staff interactions a month. "
            "Offer a dedicated account manager."
        ),
        Lever.SURVEY: _(
            "Readiness %(score)d/100, but how satisfied they are is unknown: send a "
            "satisfaction survey before offering more."
        ),
        Lever.WORD_OF_MOUTH: _(
            "Satisfied (%(satisfaction)d/100) and loyal, no referral yet: invite them to the "
            "referral programme."
        ),
        Lever.LEARN_MORE: _(
            "%(web)d visits and campaign clicks but no conversation with staff: follow what "
            "they do with behaviour-triggered emails."
        ),
        Lever.INCENTIVES: _(
            "Readiness %(score)d/100, not ready yet: keep them coming back with regular incentives."
        ),
    }
    return sentences[Lever(lever)] % figures
