from django.contrib import admin

from clientela.activities.models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "kind", "channel", "direction", "party", "staff")
    list_filter = ("kind", "channel", "direction")
    raw_id_fields = ("party", "relationship")
