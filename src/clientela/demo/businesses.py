"""The three demo businesses, each as a generator of one "unit" (a party, or an
organisation with its people) and the whole history of that unit over the two years.

- agency: professional services, mostly clients (organisations with a decision maker, a payer
  and a user), monthly invoices for personalised work, owner check-ins; some people buy
  standardised packages as customers.
- cafe: hospitality, mostly customers: many small standardised orders in store and online,
  touchpoints, gift cards consumed by someone other than the payer; a few offices are
  catering clients.
- bank: both sides: general-banking customers (fees), wealth-management clients with account
  managers, customers who already behave like clients (conversion candidates) and past
  conversions (customer -> client, the old relationship kept as `converted`).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from clientela.demo.rows import DAY, SPAN, spread
from clientela.demo.world import CLIENT, World

Unit = Callable[[World], int]


def agency_unit(w: World) -> int:
    """Returns the number of parties created."""
    rng = w.rng
    t0 = w.start()
    if rng.random() < 0.3:
        pid = w.person(t0)
        package = rng.choice(("AG-PKG-SOCIAL", "AG-PKG-LOGO", "AG-PKG-WEB"))
        w.customer(
            pid,
            t0=t0,
            final=w.pick({"awareness": 2, "consideration": 2, "purchase": 4, "retention": 2}),
            channel=w.pick({"search_ad": 3, "social_post": 3, "blog": 2, "word_of_mouth": 2}),
            repeat_days=120,
            lines=lambda t: [w.line(package)],
            sales_channel=lambda: "online",
        )
        w.know(pid, "customer")
        return 1
    org, pool = w.organisation(t0)
    w.know(org, "client")
    for role, title in (("decision_maker", "CEO"), ("payer", "CFO"), ("user", "Marketing lead")):
        w.b.member(w.person(t0, pool=pool), org, role, title)
    final = w.pick(
        {"awareness": 1, "consideration": 1.2, "purchase": 0.8, "onboarding": 1,
         "relationship_management": 6}
    )  # fmt: skip
    ended = None
    if final == "relationship_management" and rng.random() < 0.08:
        ended = rng.randrange(min(t0 + 200 * DAY, SPAN - DAY), SPAN)
    monthly = ["AG-RETAINER"] + (["AG-CONTENT"] if rng.random() < 0.5 else [])
    w.client(
        org,
        t0=t0,
        final=final,
        channel=w.pick({"networking": 4, "referral": 3, "partnership": 2}),
        invoice_days=30,
        lines=lambda t: [w.line(sku) for sku in monthly],
        first_lines=lambda t: [w.line(rng.choice(("AG-CAMPAIGN", "AG-WORKSHOP", "AG-SEO")))],
        ended=ended,
        end_reason="Moved the work in-house" if ended else "",
        meeting_days=45,
    )
    return 4


_CAFE_MENU = (
    ("CF-ESPRESSO", 3), ("CF-CAPPUCCINO", 4), ("CF-LATTE", 3), ("CF-CROISSANT", 3),
    ("CF-CAKE", 2), ("CF-LUNCH", 2), ("CF-BEANS", 0.4),
)  # fmt: skip


def cafe_unit(w: World) -> int:
    rng = w.rng
    t0 = w.start()
    if rng.random() < 0.03:
        org, pool = w.organisation(t0)
        w.know(org, "client")
        w.b.member(w.person(t0, pool=pool), org, "decision_maker", "Office manager")
        w.client(
            org,
            t0=t0,
            final=w.pick(
                {"consideration": 1, "purchase": 1, "onboarding": 1, "relationship_management": 4}
            ),  # fmt: skip
            channel=w.pick({"networking": 1, "referral": 2, "walk_in": 1}),
            invoice_days=45,
            lines=lambda t: [w.line("CF-CATERING", Decimal(rng.randrange(1, 4)))],
            meeting_days=90,
        )
        return 2
    pid = w.person(t0, with_phone=rng.random() < 0.3)
    w.know(pid, "customer")
    skus, weights = zip(*_CAFE_MENU, strict=True)
    regular = rng.random() < 0.3

    def basket(t: int):
        lines = [
            w.line(sku) for sku in dict.fromkeys(rng.choices(skus, weights, k=rng.randrange(1, 4)))
        ]
        others = [other for other in w.recent_people if other != pid]
        if others and rng.random() < 0.04:
            lines.append(w.line("CF-GIFT", Decimal(1), consumer=rng.choice(others)))
        return lines

    final = w.pick({"awareness": 8, "consideration": 7, "purchase": 25, "retention": 60})
    rid, times = w.customer(
        pid,
        t0=t0,
        final=final,
        channel=w.pick({"walk_in": 5, "social_post": 2, "search_ad": 1, "word_of_mouth": 2}),
        repeat_days=rng.uniform(4, 12) if regular else rng.uniform(25, 70),
        lines=basket,
        sales_channel=lambda: "store" if rng.random() < 0.8 else "online",
        visits=0.3,
    )
    if times:
        for t in spread(rng, times[0], SPAN, 60):
            kind = "campaign_click" if rng.random() < 0.3 else "campaign_open"
            w.b.activity(party=pid, relationship=rid, kind=kind, channel="email", t=t,
                         subject="Autumn loyalty offer")  # fmt: skip
    return 1


def _bank_fees(w: World, heavy: bool = False):
    rng = w.rng

    def lines(t: int):
        result = [w.line("BK-ACCOUNT")]
        if rng.random() < 0.3:
            result.append(w.line("BK-DEBIT"))
        if rng.random() < (0.4 if heavy else 0.12):
            result.append(w.line("BK-TRANSFER", Decimal(rng.randrange(1, 4))))
        if heavy and rng.random() < 0.5:
            result.append(w.line("WM-ADVICE"))
        return result

    return lines


def bank_unit(w: World) -> int:
    rng = w.rng
    t0 = w.start()
    roll = rng.random()
    sales = lambda: "online" if rng.random() < 0.7 else "in_person"  # noqa: E731
    if roll < 0.06:
        pid = w.person(t0) if rng.random() < 0.85 else w.organisation(t0)[0]
        w.know(pid, "client")
        w.client(
            pid,
            t0=t0,
            final=w.pick(
                {
                    "awareness": 1,
                    "consideration": 1,
                    "purchase": 1,
                    "onboarding": 1,
                    "relationship_management": 6,
                }
            ),  # fmt: skip
            channel=w.pick({"referral": 4, "networking": 3, "partnership": 1}),
            invoice_days=30,
            lines=lambda t: (
                [w.line("WM-PORTFOLIO")] + ([w.line("WM-ADVICE")] if rng.random() < 0.3 else [])
            ),
            first_lines=lambda t: [w.line("WM-PLAN"), w.line("WM-ESTATE")],
            meeting_days=30,
        )
        return 1
    pid = w.person(t0)
    w.know(
        pid, "client_like_customer" if roll < 0.10 else "converted" if roll < 0.12 else "customer"
    )
    if roll < 0.10:
        rid, times = w.customer(
            pid, t0=t0, final="retention", channel="walk_in", repeat_days=30,
            lines=_bank_fees(w, heavy=True), sales_channel=sales,
        )  # fmt: skip
        banker = rng.choice(w.account_managers)
        for t in spread(rng, times[0], SPAN, 28):
            kind = rng.choice(("meeting_in_person", "meeting_virtual", "call"))
            chan = {"meeting_in_person": "in_person", "meeting_virtual": "video"}.get(kind, "phone")
            w.b.activity(
                party=pid, relationship=rid, kind=kind, channel=chan, t=t, staff=banker,
                direction="outbound", subject="Savings and investments",
            )  # fmt: skip
        return 1
    if roll < 0.12:
        t_convert = rng.randrange(t0 + (SPAN - t0) // 3, t0 + 2 * (SPAN - t0) // 3)
        reason = "Loyal customer asked for a dedicated adviser"
        old, _times = w.customer(
            pid, t0=t0, final="retention", channel="walk_in", repeat_days=30,
            lines=_bank_fees(w, heavy=True), sales_channel=sales, ended=t_convert,
            status="converted", is_current=False, end_reason=reason,
        )  # fmt: skip
        banker = rng.choice(w.account_managers)
        for t in spread(rng, max(t0, t_convert - 120 * DAY), t_convert, 21):
            asked = rng.random() < 0.5
            w.b.activity(
                party=pid, relationship=old, kind="call" if asked else "meeting_in_person",
                channel="phone" if asked else "in_person", t=t, staff=banker,
                direction="inbound" if asked else "outbound",
                subject="Asked for investment advice" if asked else "Savings and investments",
            )  # fmt: skip
        w.client(
            pid,
            t0=t_convert,
            final=w.pick({"purchase": 1, "onboarding": 1, "relationship_management": 4}),
            channel="conversion",
            invoice_days=30,
            lines=lambda t: [w.line("WM-PORTFOLIO")],
            first_lines=lambda t: [w.line("WM-PLAN")],
            stages=CLIENT[1:],
            converted_from=old,
            entry_reason=reason,
            meeting_days=30,
        )
        return 1
    final = w.pick({"awareness": 4, "consideration": 4, "purchase": 12, "retention": 80})
    ended = (
        rng.randrange(t0 + 90 * DAY, SPAN) if rng.random() < 0.04 and t0 + 91 * DAY < SPAN else None
    )
    rid, times = w.customer(
        pid, t0=t0, final=final,
        channel=w.pick({"campaign": 3, "search_ad": 2, "walk_in": 3, "word_of_mouth": 2}),
        repeat_days=34, lines=_bank_fees(w), sales_channel=sales, ended=ended,
        end_reason="Closed the account" if ended else "",
    )  # fmt: skip
    if times and rng.random() < 0.2:
        t = rng.randrange(times[0], SPAN)
        if ended is None or t < ended:
            w.b.activity(party=pid, relationship=rid, kind="service_call", channel="phone", t=t,
                         staff=w.support, subject="Card blocked abroad")  # fmt: skip
    return 1


UNITS: dict[str, Unit] = {"agency": agency_unit, "cafe": cafe_unit, "bank": bank_unit}
