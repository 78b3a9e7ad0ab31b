"""Django's admin is a read-only window here: writes go through services, never the admin."""


class ReadOnlyAdmin:
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
