"""Onboarding plans: templates per service, a plan started when a client enters onboarding,
tasks with owners and deadlines.
"""
