"""Check-in cadence per client: rhythm and preferred channel, the due/overdue queue per account
manager, reminders.
"""
