from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from clientela.accounts.models import User


@admin.register(User)
class ClientelaUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Clientela", {"fields": ("role", "language")}),)
    list_display = ("username", "email", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active")
