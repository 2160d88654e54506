"""What each demo business is: its name and type, catalogue, staff and size."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from clientela.accounts.models import Role
from clientela.core.errors import validation_error

BUSINESSES = ("agency", "cafe", "bank")
SIZES = ("small", "medium", "large")
CHUNK_PARTIES = 10_000


@dataclass(frozen=True)
class CatalogueEntry:
    sku: str
    name: str
    offering: str
    price: Decimal
    category: str


@dataclass(frozen=True)
class BusinessPlan:
    key: str
    name: str
    business_type: str
    currency: str
    catalogue: tuple[CatalogueEntry, ...]


def _c(sku: str, name: str, offering: str, price: str, category: str) -> CatalogueEntry:
    return CatalogueEntry(sku, name, offering, Decimal(price), category)


P, S = "personalised", "standardised"

PLANS = {
    "agency": BusinessPlan(
        "agency",
        "Northwind Creative Agency",
        "professional_services",
        "EUR",
        (
            _c("AG-RETAINER", "Strategy retainer (monthly)", P, "4500.00", "strategy"),
            _c("AG-CAMPAIGN", "Campaign design", P, "8200.00", "campaigns"),
            _c("AG-CONTENT", "Content production (monthly)", P, "2400.00", "content"),
            _c("AG-WORKSHOP", "Brand workshop", P, "3200.00", "strategy"),
            _c("AG-SEO", "SEO audit and roadmap", P, "1800.00", "digital"),
            _c("AG-PKG-SOCIAL", "Starter social media package", S, "490.00", "packages"),
            _c("AG-PKG-LOGO", "Logo package", S, "650.00", "packages"),
            _c("AG-PKG-WEB", "Website health check", S, "290.00", "packages"),
        ),
    ),
    "cafe": BusinessPlan(
        "cafe",
        "Café Aroma",
        "hospitality",
        "EUR",
        (
            _c("CF-ESPRESSO", "Espresso", S, "1.80", "coffee"),
            _c("CF-CAPPUCCINO", "Cappuccino", S, "2.60", "coffee"),
            _c("CF-LATTE", "Caffè latte", S, "3.10", "coffee"),
            _c("CF-CROISSANT", "Croissant", S, "1.90", "pastry"),
            _c("CF-CAKE", "Cake of the day", S, "3.50", "pastry"),
            _c("CF-LUNCH", "Lunch menu", S, "11.50", "lunch"),
            _c("CF-BEANS", "House blend beans 250 g", S, "9.90", "retail"),
            _c("CF-GIFT", "Gift card", S, "25.00", "gift"),
            _c("CF-CATERING", "Office event catering", P, "480.00", "catering"),
        ),
    ),
    "bank": BusinessPlan(
        "bank",
        "Banca Meridian",
        "banking",
        "EUR",
        (
            _c("BK-ACCOUNT", "Current account monthly fee", S, "4.50", "accounts"),
            _c("BK-DEBIT", "Debit card fee", S, "1.50", "cards"),
            _c("BK-CREDIT", "Credit card annual fee", S, "45.00", "cards"),
            _c("BK-TRANSFER", "International transfer fee", S, "7.50", "fees"),
            _c("BK-LOAN", "Personal loan arrangement fee", S, "250.00", "loans"),
            _c("WM-PORTFOLIO", "Portfolio management (monthly)", P, "850.00", "wealth"),
            _c("WM-ADVICE", "Investment advisory session", P, "350.00", "wealth"),
            _c("WM-PLAN", "Personal financial plan", P, "1200.00", "wealth"),
            _c("WM-ESTATE", "Tax and estate planning", P, "900.00", "wealth"),
        ),
    ),
}

PARTIES = {
    "small": {"agency": 400, "cafe": 1500, "bank": 1200},
    "medium": {"agency": 20_000, "cafe": 20_000, "bank": 20_000},
    "large": {"agency": 1_000_000, "cafe": 1_000_000, "bank": 1_000_000},
}
ACCOUNT_MANAGERS = {"small": 3, "medium": 8, "large": 30}

# (first name, role): one user per role; account managers follow.
STAFF = (
    ("ana", Role.ADMIN),
    ("marco", Role.MANAGER),
    ("ioana", Role.SUPPORT_AGENT),
    ("piotr", Role.MARKETER),
    ("lucia", Role.VIEWER),
)
AM_NAMES = (
    "elena", "tomasz", "javier", "mihai", "sarah", "agnieszka", "carmen", "andrei", "david",
    "katarzyna", "pablo", "raluca", "emily", "michal", "lucas", "cristina", "james", "zofia",
    "sofia", "vlad", "olivia", "pawel", "diego", "irina", "noah", "marta", "alba", "radu",
    "jakub", "laura",
)  # fmt: skip
ROLE_WORD = {
    Role.ADMIN: "admin",
    Role.MANAGER: "manager",
    Role.SUPPORT_AGENT: "support",
    Role.MARKETER: "marketing",
    Role.VIEWER: "viewer",
    Role.ACCOUNT_MANAGER: "am",
}
_WORDS = (
    "amber", "basil", "cedar", "delta", "ember", "fjord", "garnet", "harbor", "indigo",
    "juniper", "kestrel", "lumen", "maple", "nectar", "orchid", "pepper", "quartz", "raven",
    "saffron", "tundra", "umber", "velvet", "willow", "zephyr",
)  # fmt: skip


def plan_check(*, business: str, size: str) -> BusinessPlan:
    if business not in PLANS:
        raise validation_error("business", f"must be one of {', '.join(BUSINESSES)}")
    if size not in SIZES:
        raise validation_error("size", f"must be one of {', '.join(SIZES)}")
    return PLANS[business]


def staff_plan(*, size: str, seed: int) -> list[tuple[str, str, str, str]]:
    """(username, role, password, first name) for every demo user, identical per seed.
    Passwords are three words and a number: printable, not guessable without the seed."""
    rng = random.Random(f"staff:{seed}")
    people = list(STAFF) + [
        (name, Role.ACCOUNT_MANAGER) for name in AM_NAMES[: ACCOUNT_MANAGERS[size]]
    ]
    result = []
    for first, role in people:
        words = rng.sample(_WORDS, 3)
        password = f"{'-'.join(words)}-{rng.randrange(100, 1000)}"
        result.append((f"{first}.{ROLE_WORD[role]}", str(role), password, first))
    return result
