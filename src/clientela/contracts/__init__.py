"""Client contracts: parties, services, value and billing rhythm, renewal and notice, status,
the signed document and the history of amendments.
"""
