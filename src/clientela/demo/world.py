"""The shared vocabulary of the demo businesses: people, organisations and the two lives
(a customer's and a client's) that every business combines in its own proportions."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from clientela.demo.names import EMAIL_DOMAINS, Pool, email_local, phone, pool_weights
from clientela.demo.rows import DAY, SPAN, Builder, Item, journey_path, spread

TRUTH = ("client", "customer", "client_like_customer", "converted")
"""What a demo party really is: a client; a customer; a customer who behaves like a client
(a conversion candidate: meets a banker, buys advice); a customer who became a client."""
CLIENT = ("awareness", "consideration", "purchase", "onboarding", "relationship_management")
CUSTOMER = ("awareness", "consideration", "purchase", "retention")
ONE = Decimal("1")
LinesFn = Callable[[int], list[tuple[Item, Decimal, int | None]]]
RATE_SHAPE = 2.5
"""A retained customer's repeat-purchase rate is Gamma(RATE_SHAPE) with mean 1 / repeat_days."""
DROPOUT = (1.5, 15.0)
"""A retained customer's chance of dropping out after each purchase is Beta(*DROPOUT) (mean
about 0.09): the heterogeneity and dropout that BG/NBD describes, so its fit is determined."""


@dataclass
class World:
    """Everything a business's unit generator needs: the builder, the seeded generator,
    name pools, the catalogue by sku and the staff ids. `business` names the generator's
    stream (with the builder's seed) for the customers' own streams (`own_stream`)."""

    b: Builder
    rng: random.Random
    pools: list[Pool]
    items: dict[str, Item]
    account_managers: list[int]
    support: int
    marketer: int
    recent_people: list[int] = field(default_factory=list)
    truth: dict[int, str] = field(default_factory=dict)
    business: str = ""

    def __post_init__(self) -> None:
        self._weights = pool_weights()
        self._first_party = self.b.next_id["parties"]

    @contextmanager
    def own_stream(self, party: int) -> Iterator[random.Random]:
        """For the duration, `rng` (and every closure holding it) draws from a stream of
        `party`'s own, seeded from the seed, the business and the party's place in the
        generation (not its id, which depends on the database): what is drawn inside leaves
        the main stream, and so every other party, untouched."""
        main = self.rng.getstate()
        own = random.Random(f"own:{self.business}:{self.b.seed}:{party - self._first_party}")
        self.rng.setstate(own.getstate())
        try:
            yield self.rng
        finally:
            self.rng.setstate(main)

    def know(self, party: int, label: str) -> None:
        """Record what the generator made `party`: one of `TRUTH`."""
        self.truth[party] = label

    def pool(self) -> Pool:
        return self.rng.choices(self.pools, self._weights)[0]

    def pick(self, weights: dict[str, float]) -> str:
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def start(self, latest_days: int = 30) -> int:
        """A first-contact time, weighted towards the older end of the two years."""
        return int((SPAN - latest_days * DAY) * (self.rng.random() ** 1.25))

    def person(self, t: int, *, with_phone: bool = True, pool: Pool | None = None) -> int:
        rng = self.rng
        pool = pool or self.pool()
        given, family = rng.choice(pool.given), rng.choice(pool.family)
        pid = self.b.person(
            given=given, family=family, language=pool.language, t=t, consent=rng.random() < 0.55
        )
        email = f"{email_local(given, family)}.{pid}@{rng.choice(EMAIL_DOMAINS)}"
        self.b.contact(pid, "email", email, email, True)
        if with_phone:
            number = phone(rng, pool)
            self.b.contact(pid, "phone", number, number.replace(" ", ""), True)
        self.recent_people.append(pid)
        if len(self.recent_people) > 64:
            del self.recent_people[:32]
        return pid

    def organisation(self, t: int) -> tuple[int, Pool]:
        pool = self.pool()
        name = self.rng.choice(pool.companies)
        oid = self.b.organisation(name=name, language=pool.language, t=t)
        email = f"office.{email_local(name)}.{oid}@{self.rng.choice(EMAIL_DOMAINS)}"
        self.b.contact(oid, "email", email, email, True)
        address = self.rng.choice(pool.streets)
        self.b.contact(oid, "address", address, self.b.folded(address), True)
        return oid, pool

    def customer(
        self,
        party: int,
        *,
        t0: int,
        final: str,
        channel: str,
        repeat_days: float,
        lines: LinesFn,
        sales_channel: Callable[[], str],
        ended: int | None = None,
        until: int = SPAN,
        status: str = "active",
        is_current: bool = True,
        end_reason: str = "",
        visits: float = 0.0,
    ) -> tuple[int, list[int]]:
        """A customer relationship up to `final`, its orders (one at purchase, the second at
        retention, then repeats), pre-purchase touchpoints and, with probability `visits`
        per order, a store visit at the order's time. Returns (id, order times).

        The repeats are BG/NBD's story (`repeats`), drawn from the party's own stream. The
        main stream still makes the draws that the regular schedule of earlier versions made
        (its times, channels, lines and visit rolls, all discarded), so that every other
        party, relationship and client stays as it was."""
        rng, b = self.rng, self.b
        horizon = ended if ended is not None else until
        path = journey_path(
            rng, CUSTOMER[: CUSTOMER.index(final) + 1], t0, horizon, rng.choice((4, 12, 30))
        )
        rid = b.relationship(
            party=party,
            kind="customer",
            channel=channel,
            owner=None,
            path=path,
            actor=None,
            status=status if ended is None or status != "active" else "ended",
            is_current=is_current,
            ended=ended,
            end_reason=end_reason,
        )
        times = [t for stage, t in path if stage in ("purchase", "retention")]
        regular = spread(rng, path[-1][1], horizon, repeat_days) if final == "retention" else []
        for t in times:
            b.order(payer=party, relationship=rid, t=t, channel=sales_channel(), lines=lines(t))
        for t in regular:  # the main stream's draws for the schedule no longer used
            sales_channel()
            lines(t)
        repeats, repeat_visits = [], []
        if final == "retention":
            with self.own_stream(party) as own:
                repeats = _repeats(own, path[-1][1], horizon, repeat_days)
                for t in repeats:
                    b.order(
                        payer=party, relationship=rid, t=t, channel=sales_channel(),
                        lines=lines(t),
                    )  # fmt: skip
                repeat_visits = [t for t in repeats if visits and own.random() < visits]
        first_buy = times[0] if times else horizon
        for _ in range(rng.randrange(1, 4)):
            t = rng.randrange(t0, max(first_buy, t0 + 1))
            kind = rng.choice(("website_visit", "social_interaction", "campaign_open"))
            chan = {"website_visit": "web", "social_interaction": "social"}.get(kind, "email")
            b.activity(party=party, relationship=rid, kind=kind, channel=chan, t=t)
        visited = [t for t in times if visits and rng.random() < visits]
        for _ in regular if visits else ():  # the main stream's rolls no longer used
            rng.random()
        for t in visited + repeat_visits:
            b.activity(party=party, relationship=rid, kind="store_visit", channel="store", t=t)
        return rid, times + repeats

    def client(
        self,
        party: int,
        *,
        t0: int,
        final: str,
        channel: str,
        invoice_days: float,
        lines: LinesFn,
        first_lines: LinesFn | None = None,
        stages: tuple[str, ...] = CLIENT,
        converted_from: int | None = None,
        entry_reason: str = "",
        ended: int | None = None,
        end_reason: str = "",
        meeting_days: float = 60,
    ) -> tuple[int, int]:
        """A client relationship up to `final`, owned by an account manager from
        consideration on (always from onboarding on), with invoices from purchase and
        the owner's check-ins. Returns (relationship id, owner id)."""
        rng, b = self.rng, self.b
        horizon = ended if ended is not None else SPAN
        owner = rng.choice(self.account_managers)
        path = journey_path(rng, stages[: stages.index(final) + 1], t0, horizon, 20)
        has_owner = final != "awareness" or rng.random() < 0.3
        rid = b.relationship(
            party=party,
            kind="client",
            channel=channel,
            owner=owner if has_owner else None,
            path=path,
            actor=owner if has_owner else None,
            status="ended" if ended is not None else "active",
            ended=ended,
            end_reason=end_reason,
            converted_from=converted_from,
            entry_reason=entry_reason,
        )
        staff = owner if has_owner else None
        stage_at = dict(path)
        if "consideration" in stage_at:
            kind = rng.choice(("meeting_in_person", "meeting_virtual"))
            b.activity(
                party=party, relationship=rid, kind=kind, t=stage_at["consideration"],
                channel="in_person" if kind == "meeting_in_person" else "video", staff=staff,
                direction="outbound", subject="Needs, deliverables and timeline",
            )  # fmt: skip
        if "purchase" not in stage_at:
            return rid, owner
        t_buy = stage_at["purchase"]
        b.order(
            payer=party, relationship=rid, t=t_buy, channel="invoice",
            lines=(first_lines or lines)(t_buy),
        )  # fmt: skip
        for t in spread(rng, t_buy, horizon, invoice_days):
            b.order(payer=party, relationship=rid, t=t, channel="invoice", lines=lines(t))
        for t in spread(rng, t_buy, horizon, meeting_days / 2):
            kind = rng.choice(("email", "email", "call", "meeting_virtual", "meeting_in_person"))
            chan = {
                "email": "email", "call": "phone", "meeting_virtual": "video",
                "meeting_in_person": "in_person",
            }[kind]  # fmt: skip
            subject = "Check-in" if kind in ("email", "call") else "Performance review"
            b.activity(
                party=party, relationship=rid, kind=kind, channel=chan, t=t, staff=owner,
                direction="outbound", subject=subject,
            )  # fmt: skip
        return rid, owner

    def line(self, sku: str, quantity: Decimal = ONE, consumer: int | None = None):
        return (self.items[sku], quantity, consumer)


def _repeats(rng: random.Random, start: int, end: int, every_days: float) -> list[int]:
    """Repeat-purchase times after a purchase at `start`, before `end`, as BG/NBD tells it:
    the customer buys at a rate of their own (Gamma with shape `RATE_SHAPE` and mean one
    purchase every `every_days`), so the gaps are exponential; after each purchase, the one
    at `start` included, they drop out for good with a chance of their own (Beta(*DROPOUT))."""
    rate = rng.gammavariate(RATE_SHAPE, 1 / (RATE_SHAPE * every_days)) / DAY  # per second
    dropout = rng.betavariate(*DROPOUT)
    times, t = [], start
    while rng.random() >= dropout:
        t += max(1, int(rng.expovariate(rate)))
        if t >= end:
            break
        times.append(t)
    return times
