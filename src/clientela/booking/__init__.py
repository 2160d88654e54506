"""Self-service booking: bookable services, staff availability and time off, slots without
double booking, the signed booking link, .ics invitations and calendar feeds.
"""
