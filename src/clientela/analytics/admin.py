from django.contrib import admin

from clientela.analytics.models import AnalysisRun


@admin.register(AnalysisRun)
class AnalysisRunAdmin(admin.ModelAdmin):
    """Read-only: runs are written by `analysis_run` alone."""

    list_display = ("public_id", "status", "engine", "started_at", "finished_at", "triggered_by")
    list_filter = ("status", "engine")
    exclude = ("results",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
