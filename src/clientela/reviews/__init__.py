"""Scheduled performance reviews: a questionnaire sent to the client by a signed link, answers,
score history, the account manager's notes.
"""
