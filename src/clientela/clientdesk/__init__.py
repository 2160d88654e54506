"""The client desk: account managers and backups, bulk reassignment, workload, client health
and the morning list; the desk's settings.
"""
