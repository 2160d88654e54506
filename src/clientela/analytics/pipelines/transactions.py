"""Paid transactions: the rows every value metric counts.

Only orders with status `paid` are revenue; refunded and cancelled orders are left out
entirely (they count neither as a purchase nor as an amount). Amounts are the orders' totals
as float64, summed as they are: a business keeps its orders in its one currency.
"""

from __future__ import annotations

import ibis.expr.types as ir


def paid_transactions(tables: dict[str, ir.Table]) -> ir.Table:
    """One row per paid order: customer_id (the payer's public id), kind (the relationship
    kind the order was placed under), date (UTC day) and amount."""
    orders = tables["orders"]
    return orders.filter(orders.status == "paid").select("customer_id", "kind", "date", "amount")
