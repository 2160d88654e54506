from django.contrib import admin

from clientela.commerce.models import CatalogItem, Order, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    raw_id_fields = ("payer", "consumer", "item")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("public_id", "external_id", "payer", "placed_at", "total", "currency", "status")
    list_filter = ("status", "channel", "currency")
    raw_id_fields = ("payer", "relationship")
    inlines = [OrderLineInline]


@admin.register(CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin):
    list_display = ("sku", "name", "offering", "unit_price", "currency", "active")
    list_filter = ("offering", "active")
