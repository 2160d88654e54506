from django.contrib import admin

from clientela.parties.models import ContactPoint, Membership, Party, Relationship, Tag


class ContactPointInline(admin.TabularInline):
    model = ContactPoint
    extra = 0


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ("display_name", "kind", "public_id", "created_at")
    search_fields = ("sort_key", "public_id", "external_id")
    list_filter = ("kind",)
    inlines = [ContactPointInline]
    readonly_fields = ("public_id", "sort_key", "family_key", "display_name")


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = ("party", "kind", "stage", "status", "owner", "is_current")
    list_filter = ("kind", "stage", "status", "is_current")
    raw_id_fields = ("party", "converted_from")


admin.site.register(Tag)
admin.site.register(Membership)
