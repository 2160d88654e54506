"""Data import and export: CSV files (our own formats) and Shopify's orders export.

Imports are services (`transfer.services`), so they check roles, validate and audit
exactly as the UI does; exports are selectors (`transfer.selectors`).
"""
